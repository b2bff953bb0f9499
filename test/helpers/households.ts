/** Valid household and member payloads for tests, with ID numbers unique within a test process. */
import { makeIdNumber } from '../../src/domain/id-number.ts';

let serial = 0;

/** A valid, never-before-used 18-digit ID number (GB 11643) of a person born in `county`. */
export function nextIdNumber(sex: 'male' | 'female' = 'male', county = '360731'): string {
  const n = serial++;
  // A different birth date per call keeps numbers unique whatever the sex adjustment does to the sequence.
  const birth = new Date(Date.UTC(1950, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
  return makeIdNumber(county, birth, (n * 7) % 1000, sex);
}

export interface MemberOverrides {
  [key: string]: unknown;
}

export function memberBody(overrides: MemberOverrides = {}) {
  const sex = (overrides.sex as 'male' | 'female' | undefined) ?? 'male';
  return {
    name: '张三',
    idNumber: nextIdNumber(sex),
    relation: 'head',
    registration: 'rural',
    urbanGuarantees: false,
    livesTogether: true,
    laborAbility: 'full',
    health: 'healthy',
    phone: '13800138000',
    bankAccount: '6222020200112233445',
    ...overrides,
  };
}

export type MemberBody = ReturnType<typeof memberBody>;

/** A household in village `regionCode` with a head and a spouse (or the given members). */
export function householdBody(regionCode: string, opts: { members?: MemberBody[]; household?: object } = {}) {
  return {
    household: { regionCode, villageGroup: '一组', address: '测试地址1号', formerlyPoor: true, povertyExitYear: 2018, ...opts.household },
    members: opts.members ?? [
      memberBody({ name: '李大山', relation: 'head', sex: 'male' }),
      memberBody({ name: '王秀英', relation: 'spouse', sex: 'female', health: 'chronic', phone: '13912345678', bankAccount: null }),
    ],
  };
}
