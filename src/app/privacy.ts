import { NO_ACCESS, redactLeaves, redactText, type TextAccess } from '../domain/free-text.ts';
import type { Actor } from './actor.ts';
import { can } from './authz.ts';

/**
 * What one actor sees of the personal data of one record (SEC-3), decided once here and applied
 * by every view builder: structured fields (ID number, phone, bank account, birth date, health)
 * and the free text around them (notes, findings, reasons, addresses).
 *
 * - `identifiers`: whole ID numbers, phones, bank accounts and birth dates — only on an audited
 *   reveal (`?reveal=true` on the household) by a role with `household:read_sensitive` for the
 *   record's region. Everywhere else they are masked for every role, in fields and in text alike.
 * - `health`: health and illness wording in free text — roles with `household:read_health`.
 *   The structured health status and disability grade are shown on the reveal only.
 */
export type Viewer = TextAccess;

/** The audit log's payloads and anyone without access: nothing personal. */
export const NOBODY: Viewer = NO_ACCESS;

export function viewerOf(actor: Actor, regionCode: string, opts: { reveal?: boolean } = {}): Viewer {
  return {
    identifiers: !!opts.reveal && can(actor, 'household:read_sensitive', regionCode),
    health: can(actor, 'household:read_health', regionCode),
  };
}

/** Structured health (status, disability grade): part of the audited reveal, for roles that may see health. */
export const seesHealthRecord = (v: Viewer) => v.identifiers && v.health;

/** Free text as the viewer may see it (see `redactText`). */
export function viewText(v: Viewer, text: string): string;
export function viewText(v: Viewer, text: string | null): string | null;
export function viewText(v: Viewer, text: string | null | undefined): string | null | undefined {
  return redactText(text, v);
}

/** Region and county codes stay whole in JSON payloads (they are 12 and 6 digits, not accounts). */
const isCode = (key: string, value: string) => /(Code|_code)$/.test(key) && /^[0-9]{6}([0-9]{6})?$/.test(value);

/** Every string of a JSON payload (step data, findings) as the viewer may see it. */
export const viewJson = <T>(v: Viewer, value: T): T => redactLeaves(value, v, isCode);

const FULL_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/**
 * An audit payload as the audit admin reads it: entries written before birth dates were masked
 * at write (and any other) hold them whole, so a full `birthDate` becomes its year, a birth's
 * event and due dates (the birth date and 3 months after) are dropped, and every string leaf is
 * redacted with no access (SEC-3). The stored row, and so the hash chain, is not touched.
 */
export function viewAuditPayload<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    const birth = [o.birthDate, o.birth_date].find((x): x is string => typeof x === 'string' && FULL_DATE.test(x));
    if (birth) {
      for (const [k, x] of Object.entries(o)) if (x === birth) o[k] = null;
      o.birthYear = Number(birth.slice(0, 4));
    }
    if (o.reason === 'birth') for (const k of ['eventDate', 'event_on', 'dueOn', 'due_on']) if (k in o) o[k] = null;
    return o;
  };
  return viewJson(NOBODY, walk(value)) as T;
}
