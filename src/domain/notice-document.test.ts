import { describe, expect, it } from 'vitest';
import {
  assertPublishable, chineseDate, composeNotice, findSensitive, HEALTH_WORDS, noticeTitle, NoticeDocumentError, scanSensitive,
  type NoticeDocument,
} from './notice-document.ts';

const notice = (over: Partial<NoticeDocument> = {}): NoticeDocument => ({
  type: 'village_notice',
  caseKind: 'identification',
  regionName: '于都县 贡江镇 长征村',
  issuer: '长征村村民委员会',
  issuedOn: '2023-05-01',
  period: { startOn: '2023-05-01', endOn: '2023-05-05' },
  entries: [
    { headName: '王建国', villageGroup: '上屋组', category: 'marginal_at_risk', formerlyPoor: false, memberCount: 4, leadOn: '2023-04-20', decidedOn: '2023-04-28' },
    { headName: '欧阳秀英', villageGroup: null, category: 'unstable_out_of_poverty', formerlyPoor: true, memberCount: 2 },
  ],
  objectionContact: { unit: '贡江镇人民政府', phone: '0797-6221234', address: '于都县贡江镇长征大道8号' },
  ...over,
});

/** The errors of a document that must be refused. */
function refusal(doc: NoticeDocument): NoticeDocumentError {
  try {
    assertPublishable(doc);
  } catch (e) {
    expect(e).toBeInstanceOf(NoticeDocumentError);
    return e as NoticeDocumentError;
  }
  throw new Error('document was accepted');
}

describe('findSensitive (Q47)', () => {
  it('finds 18-digit ID numbers, plain, with X or x, grouped or full-width', () => {
    expect(findSensitive('户主360731198001010016')).toEqual(['360731198001010016']);
    expect(findSensitive('11010519491231002X')).toEqual(['11010519491231002X']);
    expect(findSensitive('11010519491231002x号')).toEqual(['11010519491231002x']);
    expect(findSensitive('身份证 360731 19800101 0016')).toEqual(['360731 19800101 0016']);
    expect(findSensitive('３６０７３１１９８００１０１００１６')).toEqual(['３６０７３１１９８００１０１００１６']);
    expect(scanSensitive('360731198001010016')[0]!.kind).toBe('id_number');
  });

  it('finds mobile numbers, plain or grouped', () => {
    for (const m of ['13800138000', '19912345678', '138-0013-8000', '138 0013 8000'])
      expect(scanSensitive(`电话${m}。`)).toMatchObject([{ kind: 'mobile', text: m, index: 2 }]);
    expect(findSensitive('+86 13912345678')).toEqual(['13912345678']);
  });

  it('finds runs of 12 or more digits and bank cards written in groups of 4', () => {
    for (const card of ['123456789012', '6222020200112233', '6222020200112233445', '6222 0202 0011 2233', '6222-0202-0011-2233-445'])
      expect(scanSensitive(`账号：${card}`)).toMatchObject([{ kind: 'bank_account', text: card, index: 3 }]);
  });

  it('finds each health and disability word, reporting compounds whole', () => {
    for (const w of HEALTH_WORDS) expect(findSensitive(`户主${w}`)).toEqual([w]);
    for (const w of ['残疾', '疾病', '重病', '慢性病', '癌症', '精神', '智力', '肢体', '视力', '听力', '言语', '患', '住院', '透析', '化疗', '等级', '二级残'])
      expect(findSensitive(`家有${w}人员`).length).toBeGreaterThan(0);
    expect(findSensitive('患慢性病')).toEqual(['患', '慢性病']);
    expect(findSensitive('一级伤残')).toEqual(['残']);
    expect(findSensitive('健康状况：良好')).toEqual(['健康状况']);
  });

  it('returns every match in order', () => {
    expect(findSensitive('张三 360731198001010016 13800138000 肢体残疾 6222020200112233')).toEqual([
      '360731198001010016', '13800138000', '肢体', '残疾', '6222020200112233',
    ]);
  });

  it('does not flag dates, office lines, the 12317 hotline, counts, names, places or our own wording', () => {
    for (const text of [
      '2023-05-01', '2023年5月1日至2023年5月5日', '0797-6221234', '07976221234', '(0797) 622 1234', '12317', '5', '共12户35人',
      '12345678901', '第1户', '于都县 贡江镇 长征村', '第一村民小组', '长征村村民委员会', '于都县防止返贫监测帮扶工作领导小组',
      '王建国', '欧阳秀英', '李健康', '张精华', '刘智勇', '于都县贡江镇长征大道138号',
    ])
      expect(findSensitive(text), text).toEqual([]);
    for (const type of ['village_notice', 'county_announcement'] as const)
      for (const caseKind of ['identification', 'elimination'] as const) {
        const c = composeNotice(notice(type === 'village_notice' ? { caseKind } : { type, caseKind, period: null }));
        for (const t of [c.title, c.total, c.issuedOn, ...c.paragraphs, ...c.columns]) expect(findSensitive(t), t).toEqual([]);
      }
  });
});

describe('findSensitive: numbers and illnesses however they are written (Q47)', () => {
  const kinds = (text: string) => scanSensitive(text).map((m) => [m.kind, m.text]);

  it('reads full-width, circled, parenthesised, negative-circled and Chinese digits', () => {
    expect(kinds('电话１３９１２３４５６７８')).toEqual([['mobile', '１３９１２３４５６７８']]);
    expect(kinds('电话①③⑨①②③④⑤⑥⑦⑧')).toEqual([['mobile', '①③⑨①②③④⑤⑥⑦⑧']]);
    expect(kinds('电话❶❸❾❶❷❸❹❺❻❼❽')).toEqual([['mobile', '❶❸❾❶❷❸❹❺❻❼❽']]);
    expect(kinds('电话⑴⑶⑼⑴⑵⑶⑷⑸⑹⑺⑻')).toEqual([['mobile', '⑴⑶⑼⑴⑵⑶⑷⑸⑹⑺⑻']]);
    expect(kinds('电话⑬⑨①②③④⑤⑥⑦⑧')).toEqual([['mobile', '⑬⑨①②③④⑤⑥⑦⑧']]); // ⑬ is two digits
    expect(kinds('身份证③⑥⓪⑦③①①⑨⑧⓪⓪①⓪①⓪⓪①⑥')).toEqual([['id_number', '③⑥⓪⑦③①①⑨⑧⓪⓪①⓪①⓪⓪①⑥']]);
    expect(kinds('电话一三九一二三四五六七八')).toEqual([['mobile', '一三九一二三四五六七八']]);
    expect(kinds('电话𝟏𝟑𝟗𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖')).toEqual([['mobile', '𝟏𝟑𝟗𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖']]);
    expect(kinds('电话١٣٩١٢٣٤٥٦٧٨')).toEqual([['mobile', '١٣٩١٢٣٤٥٦٧٨']]);
  });

  it('joins digits split by dots, spaces, hyphens and middle dots', () => {
    expect(kinds('3607.3119.8001.0112.34')).toEqual([['id_number', '3607.3119.8001.0112.34']]);
    expect(kinds('360731-1980-01-01-0016')).toEqual([['id_number', '360731-1980-01-01-0016']]);
    expect(kinds('证号 360731 1980-01-01 0016')).toEqual([['id_number', '360731 1980-01-01 0016']]);
    expect(kinds('3 6 0 7 3 1 1 9 8 0 0 1 0 1 0 0 1 X')).toEqual([['id_number', '3 6 0 7 3 1 1 9 8 0 0 1 0 1 0 0 1 X']]);
    for (const m of ['139 1234 5678', '139.1234.5678', '139·1234·5678', '139 - 1234 - 5678', '139・1234・5678', '１３９　１２３４　５６７８'])
      expect(kinds(`手机${m}`), m).toEqual([['mobile', m]]);
    expect(kinds('卡号6222·0202·0011·2233')).toEqual([['bank_account', '6222·0202·0011·2233']]);
  });

  it('finds illnesses by name, also in parentheses inside a village group', () => {
    for (const w of ['乙肝', '高血压', '糖尿病', '尿毒症', '白血病', '肺结核', '脑梗', '中风', '偏瘫', '精神分裂', '癫痫', '帕金森', '艾滋', 'HIV'])
      expect(findSensitive(`三组（${w}）`), w).toEqual([w]);
    expect(findSensitive('三组(乙肝)')).toEqual(['乙肝']);
    expect(findSensitive('HIV阳性，aids')).toEqual(['HIV', 'aids']);
  });

  it('still leaves dates, office lines, 12317, counts and ordinary wording alone', () => {
    for (const text of [
      '2023.05.01', '2023-05-01 2023-05-05', '5 2023-05-01 2023-05-05', '0797-6221234', '0797-62212345', '010 8765 4321', '0797 622 1234', '0797·6221234', '12317',
      '二〇二三年五月一日', '第一组 第二组', 'ARCHIVE-2024', 'raids', '住房安全隐患已排除', '传达会议精神', '住房安全等级为A级', '①号楼', '⑴ 入户 ⑵ 评议',
    ])
      expect(findSensitive(text), text).toEqual([]);
  });
});

describe('assertPublishable (PRC-8, Q47)', () => {
  it('accepts a complete notice and a complete announcement', () => {
    expect(() => assertPublishable(notice())).not.toThrow();
    expect(() => assertPublishable(notice({ type: 'county_announcement', period: null, objectionContact: { unit: '于都县乡村振兴局', phone: '12317' } }))).not.toThrow();
  });

  it('refuses an ID number in a head name, naming the field and masking the number', () => {
    const doc = notice();
    doc.entries[1]!.headName = '欧阳秀英360731198001010016';
    const e = refusal(doc);
    expect(e.errors.map((x) => x.path)).toEqual(['entries[1].headName']);
    expect(e.message).toContain('第2户户主姓名含有身份证号码');
    expect(e.message).toContain('360731********0016');
    expect(e.message).not.toContain('360731198001010016');
  });

  it('refuses a mobile number as the objection phone', () => {
    const e = refusal(notice({ objectionContact: { unit: '长征村村委会', phone: '13800138000' } }));
    expect(e.errors.map((x) => x.path)).toEqual(['objectionContact.phone']);
    expect(e.message).toContain('异议受理电话含有手机号码');
    expect(e.message).not.toContain('13800138000');
  });

  it('refuses a bank account in the address and a health word in a village group', () => {
    const doc = notice({ objectionContact: { unit: '贡江镇人民政府', phone: '12317', address: '账户6222020200112233' } });
    doc.entries[0]!.villageGroup = '上屋组（二级肢体残疾）';
    const e = refusal(doc);
    expect(e.errors.map((x) => x.path).sort()).toEqual(['entries[0].villageGroup', 'objectionContact.address']);
    expect(e.message).toContain('异议受理地址含有银行账号');
    expect(e.message).toContain('第1户村民小组含有健康状况用语（第7–8字）');
    expect(e.message).not.toContain('肢体');
  });

  it('refuses the variants, naming the field: circled digits, dotted ID numbers, an illness in a village group', () => {
    const doc = notice({ objectionContact: { unit: '贡江镇人民政府', phone: '①③⑨①②③④⑤⑥⑦⑧' } });
    doc.entries[0]!.villageGroup = '三组（乙肝）';
    doc.entries[1]!.headName = '欧阳秀英 3607.3119.8001.0100.16';
    const e = refusal(doc);
    expect(e.errors.map((x) => x.path).sort()).toEqual(['entries[0].villageGroup', 'entries[1].headName', 'objectionContact.phone']);
    expect(e.message).toContain('第1户村民小组含有健康状况用语（第4–5字）');
    expect(e.message).not.toContain('乙肝');
    expect(e.message).toContain('第2户户主姓名含有身份证号码“360731********0016”');
    expect(e.message).toContain('异议受理电话含有手机号码“139****5678”');
  });

  it('refuses sensitive data in fields the type does not declare and in numbers', () => {
    const doc = notice();
    Object.assign(doc.entries[0]!, { idNumber: '360731198001010016', health: '慢性病' });
    expect(refusal(doc).errors.map((x) => x.path)).toEqual(['entries[0].idNumber', 'entries[0].health']);
    const big = notice();
    big.entries[1]!.memberCount = 13800138000;
    expect(refusal(big).errors.map((x) => x.path)).toEqual(['entries[1].memberCount']);
  });

  it('refuses a notice period under 5 days, both days counted (Q42)', () => {
    expect(refusal(notice({ period: { startOn: '2023-05-01', endOn: '2023-05-04' } })).message).toContain('公示期不少于5天');
    expect(refusal(notice({ period: null })).errors[0]!.path).toBe('period');
    expect(refusal(notice({ period: { startOn: '2023-05-01', endOn: '2023-02-30' } })).errors[0]!.path).toBe('period.endOn');
  });

  it('refuses a notice period on a county announcement (Q41: no repeat notice)', () => {
    expect(refusal(notice({ type: 'county_announcement' })).errors[0]!.path).toBe('period');
  });

  it('refuses incomplete entries and contacts', () => {
    const doc = notice({ objectionContact: { unit: '', phone: ' ' } });
    doc.entries[0] = { ...doc.entries[0]!, headName: '', memberCount: 0, category: null, leadOn: '2023-13-01' };
    expect(refusal(doc).errors.map((x) => x.path)).toEqual([
      'objectionContact.unit', 'objectionContact.phone', 'entries[0].headName', 'entries[0].category', 'entries[0].memberCount', 'entries[0].leadOn',
    ]);
    expect(refusal(notice({ entries: [] })).errors[0]!.path).toBe('entries');
  });
});

describe('composeNotice', () => {
  it('titles the four kinds of document', () => {
    expect(noticeTitle({ type: 'village_notice', caseKind: 'identification' })).toBe('防止返贫监测对象识别公示');
    expect(noticeTitle({ type: 'village_notice', caseKind: 'elimination' })).toBe('防止返贫监测对象风险消除公示');
    expect(noticeTitle({ type: 'county_announcement', caseKind: 'identification' })).toBe('防止返贫监测对象识别公告');
    expect(noticeTitle({ type: 'county_announcement', caseKind: 'elimination' })).toBe('防止返贫监测对象风险消除公告');
  });

  it('states the period, the village-only notice and the objection contact; tabulates the entries', () => {
    const c = composeNotice(notice());
    const text = c.paragraphs.join('\n');
    expect(text).toContain('公示期：2023年5月1日至2023年5月5日（共5天）');
    expect(text).toContain('只在本村内开展一次，乡（镇）、县不再重复公示');
    expect(text).toContain('请向贡江镇人民政府反映，联系电话：0797-6221234，地址：于都县贡江镇长征大道8号');
    expect(text).toContain('以下2户6人');
    expect(c.columns).toEqual(['序号', '户主姓名', '村民小组', '户类型', '监测类别', '家庭人口', '发现风险日期', '民主评议日期']);
    expect(c.rows).toEqual([
      [1, '王建国', '上屋组', '一般农户', '边缘易致贫户', 4, '2023-04-20', '2023-04-28'],
      [2, '欧阳秀英', '—', '脱贫户', '脱贫不稳定户', 2, '—', '—'],
    ]);
    expect(c.total).toBe('合计：2户，6人');
    expect(c.issuedOn).toBe(chineseDate('2023-05-01'));
  });

  it('an announcement names the county approval, no period, and lists villages when given', () => {
    const doc = notice({ type: 'county_announcement', caseKind: 'elimination', period: null, regionName: '于都县' });
    doc.entries = doc.entries.map((e) => ({ ...e, villageName: '贡江镇 长征村', leadOn: undefined }));
    const c = composeNotice(doc);
    expect(c.title).toBe('防止返贫监测对象风险消除公告');
    expect(c.paragraphs.join('')).toContain('并经县级审核批准');
    expect(c.paragraphs.join('')).toContain('乡（镇）、县不再重复公示');
    expect(c.paragraphs.join('')).not.toContain('公示期：');
    expect(c.columns).toEqual(['序号', '户主姓名', '所在村', '村民小组', '户类型', '监测类别', '家庭人口', '风险消除日期']);
  });
});
