/**
 * The merge rule under concurrency (WRN-1): warnings about one person and type arriving at the
 * same moment — from the page, the API and a file at once — open one task and count the rest.
 * The rule is a partial unique index and an upsert, not a read-then-write, so it holds on the
 * server with parallel connections as well as on PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHousehold } from '../../src/app/households/create-household.ts';
import { submitWarnings } from '../../src/app/intake/submit-warnings.ts';
import type { Actor } from '../../src/app/actor.ts';
import { createStandardUsers, pickRegions, type TestUsers } from '../helpers/app.ts';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../helpers/db.ts';
import { householdBody } from '../helpers/households.ts';

let database: TestDatabase;
let users: TestUsers;
let idNumber = '';
let householdId = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  const regions = await pickRegions(database.db);
  users = await createStandardUsers(database.db, regions);
  const body = householdBody(regions.villageA);
  householdId = (await createHousehold(database.db, users.county as Actor, body)).id;
  idNumber = body.members[0]!.idNumber;
});
afterAll(async () => database?.close());

describe(`merging concurrent warnings [${TEST_DB_KIND}]`, () => {
  it('opens one task for ten simultaneous warnings about the same person and type', async () => {
    const one = (i: number) =>
      submitWarnings(database.db, users.department, { warnings: [{ type: 'dibao_application', name: '张三', idNumber, warnedOn: '2024-05-01', sourceRef: `C-${i}` }] }, '2024-05-02', { channel: 'api' });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => one(i)));
    expect(results.reduce((n, r) => n + r.tasks, 0)).toBe(1);
    expect(results.reduce((n, r) => n + r.merged, 0)).toBe(9);
    const tasks = await database.db.selectFrom('verification_task').select(['id', 'warning_count', 'state']).where('household_id', '=', householdId).execute();
    expect(tasks).toEqual([{ id: expect.anything(), warning_count: 10, state: 'open' }]);
    const deadlines = await database.db.selectFrom('deadline').select('id').where('subject_type', '=', 'verification_task').where('subject_id', '=', tasks[0]!.id).execute();
    expect(deadlines).toHaveLength(1);
  });
});
