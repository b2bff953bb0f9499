import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Check } from './validation.ts';
import {
  DEFAULT_PASSWORD_POLICY as P, passwordProblem, randomPassword, randomPasswordBytes, readPolicyInput, twoFactorRequired,
} from './password-policy.ts';

describe('password policy (SEC-4)', () => {
  it('defaults: 10 characters, 3 of 4 classes, lock after 5 failures for 15 minutes, 30 minutes idle, one-time passwords 72 h, 2FA for the admins only', () => {
    expect(P).toEqual({ minLength: 10, minClasses: 3, maxFailures: 5, lockMinutes: 15, idleMinutes: 30, initialPasswordHours: 72, twoFactorRoles: [] });
  });

  it('always requires a second factor of the three admin roles, of others as configured (SEC-6)', () => {
    for (const r of ['system_admin', 'security_admin', 'audit_admin']) expect(twoFactorRequired(P, r)).toBe(true);
    expect(twoFactorRequired(P, 'county')).toBe(false);
    expect(twoFactorRequired({ ...P, twoFactorRoles: ['county', 'city'] }, 'county')).toBe(true);
    expect(twoFactorRequired({ ...P, twoFactorRoles: ['county', 'city'] }, 'village')).toBe(false);
  });

  it('reads a policy only within its bounds, naming each field', () => {
    const read = (o: Record<string, unknown>) => {
      const c = new Check();
      return { policy: readPolicyInput(o, c), errors: c.errors };
    };
    expect(read({ ...P, twoFactorRoles: ['city', 'county', 'county'] }).policy).toEqual({ ...P, twoFactorRoles: ['county', 'city'] });
    const bad = read({ minLength: 7, minClasses: 5, maxFailures: 2, lockMinutes: 1441, idleMinutes: 4, initialPasswordHours: 0, twoFactorRoles: ['audit_admin', 'mayor'] });
    expect(bad.policy).toBeNull();
    expect(bad.errors).toEqual([
      { path: 'minLength', message: '密码最短长度应在8到64之间' },
      { path: 'minClasses', message: '字符类别数应在1到4之间' },
      { path: 'maxFailures', message: '锁定前允许的连续失败次数应在3到10之间' },
      { path: 'lockMinutes', message: '锁定时长（分钟）应在5到1440之间' },
      { path: 'idleMinutes', message: '无操作自动退出（分钟）应在5到480之间' },
      { path: 'initialPasswordHours', message: '一次性密码有效期（小时）应在1到168之间' },
      { path: 'twoFactorRoles[0]', message: '三员账号始终须双因素认证，无需列出' },
      { path: 'twoFactorRoles[1]', message: expect.stringMatching(/^取值应为 village/) },
    ]);
    expect(read({}).errors.map((e) => e.path)).toEqual([...Object.keys(P).filter((k) => k !== 'twoFactorRoles'), 'twoFactorRoles']);
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

  it('random passwords are long enough for the strictest allowed policy', () => {
    const strictest = { ...P, minLength: 64, minClasses: 4 };
    fc.assert(
      fc.property(fc.uint8Array({ minLength: randomPasswordBytes(strictest), maxLength: randomPasswordBytes(strictest) }), (bytes) => {
        expect(passwordProblem(randomPassword(bytes), strictest)).toBeNull();
      }),
    );
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
