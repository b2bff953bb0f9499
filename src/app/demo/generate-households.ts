import { makeIdNumber } from '../../domain/id-number.ts';
import type { Random } from '../../domain/random.ts';

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅建国志文辉春花小军海燕金凤德福水根生荣发林祥';

export interface SyntheticMember {
  name: string; idNumber: string; relation: string; sex: 'male' | 'female'; birthDate: string;
  registration: string; laborAbility: string; health: string; disabilityGrade: number | null;
  schooling: string | null; phone: string | null; bankAccount: string | null;
}
export interface SyntheticHousehold {
  regionCode: string; villageGroup: string; formerlyPoor: boolean; povertyExitYear: number | null;
  dibaoSince: string | null; tekunSince: string | null; relocatedSince: string | null; disabledHouseholdSince: string | null;
  monitoringStatus: string; monitoringCategory: string | null; identifiedOn: string | null; eliminatedOn: string | null;
  members: SyntheticMember[];
  incomes: { type: string; amountFen: number; from: string; to: string; memberIndex: number | null }[];
  risks: { type: string; selfResolvable: boolean; incomeDrop: boolean }[];
}

export interface GenerateOptions {
  /** The month before the first assessment month: income records cover the 24 months ending here. */
  lastMonth: string;
}

function monthsBack(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const idx = y * 12 + (m - 1) - n;
  return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}`;
}
const RISK_TYPES = ['illness', 'illness', 'disability', 'education', 'disaster', 'accident', 'employment', 'industry', 'housing_safety', 'drinking_water'];

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Synthetic but plausible rural households with valid synthetic ID numbers (DAT-3).
 * `used` carries the ID numbers already issued so repeated calls never collide.
 */
export function generateHouseholds(rnd: Random, villages: string[], count: number, countyCode6: string, opts: GenerateOptions, used = new Set<string>()): SyntheticHousehold[] {
  const idNumber = (birthDate: string, sex: 'male' | 'female') => {
    for (let seq = rnd.int(0, 999); ; seq = (seq + 2) % 1000) {
      const id = makeIdNumber(countyCode6, birthDate, seq, sex);
      if (!used.has(id)) return used.add(id), id;
    }
  };
  const person = (relation: string, minYear: number, maxYear: number, sex: 'male' | 'female', surname: string): SyntheticMember => {
    const birthDate = `${rnd.int(minYear, maxYear)}-${pad(rnd.int(1, 12))}-${pad(rnd.int(1, 28))}`;
    const age = 2024 - Number(birthDate.slice(0, 4));
    const disabled = rnd.chance(0.04);
    const health = disabled ? 'disabled' : rnd.pick(['healthy', 'healthy', 'healthy', 'healthy', 'chronic', 'serious'] as const);
    const laborAbility = age < 16 || age > 75 || health === 'serious' ? 'none' : age > 60 || health !== 'healthy' ? 'weak' : 'full';
    return {
      name: surname + rnd.pick([...GIVEN]) + (rnd.chance(0.6) ? rnd.pick([...GIVEN]) : ''),
      idNumber: idNumber(birthDate, sex),
      relation, sex, birthDate, registration: rnd.chance(0.95) ? 'rural' : 'urban', laborAbility, health,
      disabilityGrade: disabled ? rnd.int(1, 4) : null,
      schooling: age < 6 ? 'preschool' : age < 12 ? 'primary' : age < 15 ? 'junior' : age < 18 ? 'senior' : null,
      phone: age >= 18 && rnd.chance(0.8) ? `1${rnd.pick(['3', '5', '7', '8', '9'])}${String(rnd.int(0, 999999999)).padStart(9, '0')}` : null,
      bankAccount: age >= 18 && rnd.chance(0.6) ? `62${String(rnd.int(0, 99999999)).padStart(8, '0')}${String(rnd.int(0, 999999)).padStart(rnd.pick([6, 7, 9]), '0')}` : null,
    };
  };
  const out: SyntheticHousehold[] = [];
  for (let i = 0; i < count; i++) {
    const surname = rnd.pick([...SURNAMES]);
    const headSex = rnd.chance(0.85) ? 'male' : 'female';
    const members = [person('head', 1945, 1990, headSex, surname)];
    if (rnd.chance(0.8)) members.push(person('spouse', 1948, 1992, headSex === 'male' ? 'female' : 'male', rnd.pick([...SURNAMES])));
    for (let k = rnd.int(0, 3); k > 0; k--) members.push(person('child', 1995, 2020, rnd.chance(0.5) ? 'male' : 'female', surname));
    if (rnd.chance(0.2)) members.push(person('parent', 1935, 1955, rnd.chance(0.5) ? 'male' : 'female', surname));
    const formerlyPoor = rnd.chance(0.3);
    // Two years of income, per earner, spread so that a fair share of households sit near the threshold.
    const from = monthsBack(opts.lastMonth, 23);
    const incomes: SyntheticHousehold['incomes'] = [];
    members.forEach((m, idx) => {
      if (m.laborAbility === 'full') incomes.push({ type: 'wage', amountFen: rnd.int(800_000, 7_000_000), from, to: opts.lastMonth, memberIndex: idx });
      else if (m.laborAbility === 'weak' && rnd.chance(0.5)) incomes.push({ type: 'wage', amountFen: rnd.int(200_000, 1_600_000), from, to: opts.lastMonth, memberIndex: idx });
      if (Number(m.birthDate.slice(0, 4)) < 1964) incomes.push({ type: 'transfer', amountFen: rnd.int(300_000, 600_000), from, to: opts.lastMonth, memberIndex: idx });
    });
    if (rnd.chance(0.4)) {
      const revenue = rnd.int(500_000, 4_000_000);
      incomes.push({ type: 'business', amountFen: revenue, from, to: opts.lastMonth, memberIndex: null });
      incomes.push({ type: 'business_cost', amountFen: Math.round(revenue * (0.3 + rnd.next() * 0.4)), from, to: opts.lastMonth, memberIndex: null });
    }
    const risks: SyntheticHousehold['risks'] = [];
    if (rnd.chance(0.12)) risks.push({ type: rnd.pick(RISK_TYPES), selfResolvable: rnd.chance(0.3), incomeDrop: rnd.chance(0.2) });
    const status = rnd.chance(0.05) ? 'monitored' : rnd.chance(0.03) ? 'eliminated' : 'none';
    out.push({
      regionCode: rnd.pick(villages),
      villageGroup: `${rnd.int(1, 12)}组`,
      formerlyPoor,
      povertyExitYear: formerlyPoor ? rnd.pick([2014, 2015, 2016, 2017, 2018, 2019, 2020, 2020]) : null,
      dibaoSince: rnd.chance(0.08) ? `20${rnd.int(15, 23)}-0${rnd.int(1, 9)}-01` : null,
      tekunSince: rnd.chance(0.015) ? `20${rnd.int(15, 23)}-0${rnd.int(1, 9)}-01` : null,
      relocatedSince: rnd.chance(0.03) ? `201${rnd.int(6, 9)}-06-01` : null,
      disabledHouseholdSince: members.some((m) => m.health === 'disabled') ? `20${rnd.int(10, 22)}-03-01` : null,
      monitoringStatus: status,
      monitoringCategory: status === 'none' ? null : formerlyPoor ? 'unstable_out_of_poverty' : rnd.chance(0.8) ? 'marginal_at_risk' : 'sudden_severe_hardship',
      identifiedOn: status !== 'none' ? `${rnd.int(2022, 2023)}-${pad(rnd.int(1, 12))}-${pad(rnd.int(1, 28))}` : null,
      eliminatedOn: status === 'eliminated' ? `2024-${pad(rnd.int(1, 12))}-15` : null,
      members,
      incomes,
      risks,
    });
  }
  return out;
}
