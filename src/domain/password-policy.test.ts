import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_PASSWORD_POLICY as P, passwordProblem, randomPassword } from './password-policy.ts';

describe('password policy (SEC-4)', () => {
  it('defaults: 10 characters, 3 of 4 classes, lock after 5 failures for 15 minutes, 30 minutes idle', () => {
    expect(P).toEqual({ minLength: 10, minClasses: 3, maxFailures: 5, lockMinutes: 15, idleMinutes: 30 });
  });

  it('accepts a long password mixing three classes', () => {
    expect(passwordProblem('Test@12345x', P)).toBeNull();
    expect(passwordProblem('abcdefgh12X', P)).toBeNull();
    expect(passwordProblem('abcdefgh12#', P)).toBeNull();
  });

  it('rejects short passwords', () => {
    expect(passwordProblem('Ab1#xyz', P)).toBe('密码长度至少10位');
    expect(passwordProblem('Ab1#xyzab', P)).toBe('密码长度至少10位');
  });

  it('rejects too few character classes', () => {
    expect(passwordProblem('abcdefghijkl', P)).toMatch(/至少3类/);
    expect(passwordProblem('abcdef123456', P)).toMatch(/至少3类/);
    expect(passwordProblem('ABCDEF!@#$%^', P)).toMatch(/至少3类/);
  });

  it('rejects a password containing the username, case-insensitively', () => {
    expect(passwordProblem('Village@2023', P, 'village')).toBe('密码不能包含用户名');
    expect(passwordProblem('xxADMIN#123', P, 'admin')).toBe('密码不能包含用户名');
    expect(passwordProblem('Village@2023', P, 'county')).toBeNull();
  });

  it('follows a stricter configured policy', () => {
    const strict = { ...P, minLength: 14, minClasses: 4 };
    expect(passwordProblem('Test@12345x', strict)).toBe('密码长度至少14位');
    expect(passwordProblem('Testtest12345x', strict)).toMatch(/至少4类/);
    expect(passwordProblem('Test@test12345x', strict)).toBeNull();
  });

  it('random passwords always satisfy the default policy', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), (bytes) => {
        const pw = randomPassword(bytes);
        expect(pw.length).toBeGreaterThanOrEqual(P.minLength);
        expect(passwordProblem(pw, P)).toBeNull();
      }),
    );
  });
});
