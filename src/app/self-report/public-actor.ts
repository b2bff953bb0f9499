import type { Actor } from '../actor.ts';

/**
 * Who acts when a household reports through the public page (WRN-5): nobody signed in, so the
 * audit log, the case's creator and its consents' recorder name this actor — id 0 (stored as no
 * user), "农户自主申报", in the village the report is for. Its role is the village's only because
 * a lead is the village's to verify; no session ever carries it, and it is never authorized.
 */
export function selfReportActor(regionCode: string): Actor {
  return { id: 0, username: 'self_report', displayName: '农户自主申报', role: 'village', departmentKind: null, regionCode };
}
