/**
 * Runs every scenario file in test/scenarios (OpenFisca-style data tests):
 *
 *   - name: …
 *     description: … (the clause it illustrates)
 *     parameterValues: { monitoring_threshold: { '2024-03-20': { value: 8200, reference: … } } }  # optional
 *     input: <contract input>
 *     output: <expected output, deep partial>      # or
 *     errors: [ { path, message? } ]               # expected validation errors
 *
 * `output` is a deep partial match: only the keys written are checked; arrays must have the same
 * length, their elements matched the same way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultParameters, type ParameterName, type ParameterSet } from './parameters.ts';
import { assessOrErrors } from './validate.ts';

const SCENARIO_DIR = fileURLToPath(new URL('../../test/scenarios/', import.meta.url));

interface Scenario {
  name: string;
  description?: string;
  parameterValues?: Record<string, Record<string, { value: never; reference: string; note?: string }>>;
  input: unknown;
  output?: Record<string, unknown>;
  errors?: { path: string; message?: string }[];
}

function parametersFor(s: Scenario): ParameterSet {
  let parameters = defaultParameters();
  for (const [name, values] of Object.entries(s.parameterValues ?? {})) {
    for (const [from, v] of Object.entries(values)) {
      parameters = parameters.withValue(name as ParameterName, from, v.value, v.reference, v.note);
    }
  }
  return parameters;
}

const files = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.yaml')).sort();

describe('scenario files', () => {
  it('exist', () => expect(files.length).toBeGreaterThan(0));
});

for (const file of files) {
  const scenarios = parse(readFileSync(join(SCENARIO_DIR, file), 'utf8')) as Scenario[];
  describe(file, () => {
    it('has well-formed, uniquely named scenarios', () => {
      const names = scenarios.map((s) => s.name);
      expect(new Set(names).size).toBe(names.length);
      for (const s of scenarios) {
        expect(Object.keys(s).filter((k) => !['name', 'description', 'parameterValues', 'input', 'output', 'errors'].includes(k))).toEqual([]);
        expect(s.description, `${s.name}: description citing the clause`).toMatch(/Q\d+|INC-|IDN-/);
        expect((s.output === undefined) !== (s.errors === undefined), `${s.name}: exactly one of output / errors`).toBe(true);
      }
    });

    for (const s of scenarios) {
      it(s.name, () => {
        const outcome = assessOrErrors(s.input, parametersFor(s));
        if (s.errors) {
          expect(outcome.ok).toBe(false);
          if (!outcome.ok) expect(outcome.errors).toMatchObject(s.errors);
          return;
        }
        if (!outcome.ok) expect.fail(`input rejected: ${JSON.stringify(outcome.errors)}`);
        expect(outcome.value).toMatchObject(s.output!);
      });
    }
  });
}
