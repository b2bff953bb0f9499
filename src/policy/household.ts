/** Who counts as a member of the household (Q15, Q17, Q18). */
import type { Member, Reason, Traced } from './types.ts';

/**
 * A member counts when they share living, income and expenses with the household (Q15), unless
 * an urban or collective registration comes with urban dibao or an employee basic pension: such
 * a member is covered by urban guarantees (Q17, Q18). Rural registration always counts.
 */
export function isCountedMember(m: Pick<Member, 'livesTogether' | 'registration' | 'urbanGuarantees'>): boolean {
  return m.livesTogether && !(m.registration !== 'rural' && m.urbanGuarantees);
}

export const NO_COUNTED_MEMBER_MESSAGE =
  '没有计入家庭人口的成员：至少需要一名共同生活、共享收支的成员，且城镇或集体户籍成员未享受城市低保、职工基本养老保险等城镇保障（Q15、Q17、Q18）';

export interface CountedMembers {
  count: number;
  /** Ids of members left out; their incomes are left out too. Usually empty. */
  uncountedIds: string[];
  /** Some counted member has full labour ability (Q24). */
  anyFullLabor: boolean;
}

export function countedMembers(members: readonly Member[]): Traced<CountedMembers> {
  let count = 0;
  let anyFullLabor = false;
  const uncounted: Member[] = [];
  for (const m of members) {
    if (isCountedMember(m)) {
      count++;
      if (m.laborAbility === 'full') anyFullLabor = true;
    } else {
      uncounted.push(m);
    }
  }
  const reasons: Reason[] = [];
  if (uncounted.length > 0) {
    // By id, so the explanation does not depend on the order members were entered.
    uncounted.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const m of uncounted) reasons.push(uncountedReason(m));
  }
  return { value: { count, uncountedIds: uncounted.map((m) => m.id), anyFullLabor }, reasons };
}

function uncountedReason(m: Member): Reason {
  if (!m.livesTogether) {
    return {
      rule: 'member_not_living_together',
      clause: 'Q15',
      message: `成员${m.id}未与家庭共同生活、共享收支，不计入家庭人口，其收入不计入家庭收入`,
    };
  }
  const registration = m.registration === 'urban' ? '城镇户籍' : '集体户籍';
  return {
    rule: 'member_urban_guarantees',
    clause: 'Q17, Q18',
    message: `成员${m.id}为${registration}且享受城市低保、职工基本养老保险等城镇保障政策，不计入家庭人口，其收入不计入家庭收入`,
  };
}
