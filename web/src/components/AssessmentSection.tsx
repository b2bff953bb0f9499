import { useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  Alert, Button, Card, Checkbox, Collapse, DatePicker, Descriptions, List, Radio, Space, Spin, Table, Tag, Typography,
  type DescriptionsProps, type TableColumnsType,
} from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api, ApiError } from '../api.ts';
import {
  ASSESSMENT_FLAG, ASSESSMENT_KIND, ASSESSMENT_RULE, CLAIM_STATUS, CLAIM_TYPE, COMPLIANT_EXPENSE_TYPES, ELIMINATION_CHECK, EXPENSE_TYPE,
  INCOME_TYPE, label, MONITORING_CATEGORY, RECOMMENDATION, RECOMMENDATION_COLOR, RISK_TYPE, UNCOUNTED_MEMBER_RULES, yuan,
} from '../labels.ts';
import type { AssessmentCheck, AssessmentExplanation, AssessmentReason, AssessmentResult, HouseholdDetail } from '../types.ts';

/** Query key prefix of household assessments; record changes invalidate `[ASSESSMENT_QUERY, householdId]`. */
export const ASSESSMENT_QUERY = 'household-assessment';

type Kind = 'identification' | 'elimination';
type Window = AssessmentResult['window'];
type HouseholdInput = AssessmentExplanation['input']['household'];

const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
/** Months from `YYYY-MM` to `YYYY-MM`, both included. */
export const monthsBetween = (from: string, to: string) => monthIndex(to) - monthIndex(from) + 1;
/** Months of from…to that fall inside the window (INC-4 pro-rating, for display). */
const monthsInside = (from: string, to: string, w: Window) =>
  Math.max(0, Math.min(monthIndex(to), monthIndex(w.to)) - Math.max(monthIndex(from), monthIndex(w.from)) + 1);
const inWindow = (month: string, w: Window) => monthsInside(month, month, w) === 1;

/** `Q17, Q18` → one tag per clause. */
export function ClauseTags({ clause }: { clause: string }) {
  return (
    <>
      {clause.split(/[,，、]\s*/).filter(Boolean).map((c) => (
        <Tag color="blue" key={c} data-testid="clause-tag">{c}</Tag>
      ))}
    </>
  );
}

/** The engine names members `m<id>`; show their names instead. */
const withNames = (message: string, names: Map<string, string>) =>
  message.replace(/成员(m\d+)/g, (all, id: string) => (names.has(id) ? `成员${names.get(id)}` : all));

function InputTables({ input, result, names, uncounted }: {
  input: HouseholdInput; result: AssessmentResult; names: Map<string, string>; uncounted: Set<string>;
}) {
  const w = result.window;
  const incomeColumns: TableColumnsType<NonNullable<HouseholdInput['incomes']>[number]> = [
    { title: '收入类型', dataIndex: 'type', render: (v) => label(INCOME_TYPE, v) },
    { title: '家庭成员', dataIndex: 'memberId', render: (v?: string) => (v ? (names.get(v) ?? v) : '全户') },
    { title: '金额（元）', dataIndex: 'amount', align: 'right', render: yuan },
    { title: '期间', key: 'range', render: (_, r) => `${r.from} 至 ${r.to}` },
    {
      title: '计入计算期', key: 'share',
      render: (_, r) => {
        if (r.memberId && uncounted.has(r.memberId)) return <Tag>不计入（成员不计入家庭人口）</Tag>;
        const k = monthsInside(r.from, r.to, w);
        const n = monthsBetween(r.from, r.to);
        if (k === 0) return <Tag>不在计算期内</Tag>;
        const share = (r.amount * k) / n;
        return `${k}/${n}个月，约 ${yuan(r.type === 'business_cost' ? -share : share)} 元`;
      },
    },
  ];
  const monthTag = (m: string) => (inWindow(m, w) ? m : <span>{m} <Tag>不在计算期内</Tag></span>);
  const claimColumns: TableColumnsType<NonNullable<HouseholdInput['claims']>[number]> = [
    { title: '理赔类型', dataIndex: 'type', render: (v) => label(CLAIM_TYPE, v) },
    { title: '金额（元）', dataIndex: 'amount', align: 'right', render: yuan },
    { title: '月份', dataIndex: 'month', render: monthTag },
    { title: '到位情况', dataIndex: 'status', render: (v) => label(CLAIM_STATUS, v) },
  ];
  const expenseColumns: TableColumnsType<NonNullable<HouseholdInput['expenses']>[number]> = [
    { title: '支出类型', dataIndex: 'type', render: (v) => label(EXPENSE_TYPE, v) },
    { title: '合规自付支出', key: 'c', render: (_, r) => (COMPLIANT_EXPENSE_TYPES.includes(r.type) ? '计入' : '不计入') },
    { title: '金额（元）', dataIndex: 'amount', align: 'right', render: yuan },
    { title: '月份', dataIndex: 'month', render: monthTag },
  ];
  const riskColumns: TableColumnsType<NonNullable<HouseholdInput['risks']>[number]> = [
    { title: '风险类型', dataIndex: 'type', render: (v) => label(RISK_TYPE, v) },
    { title: '能否自行解决', dataIndex: 'selfResolvable', render: (v) => (v ? '可依靠自身力量解决' : '难以自行解决') },
    { title: '收入大幅缩减', dataIndex: 'incomeDrop', render: (v) => (v ? '是' : '否') },
    { title: '评估日状态', dataIndex: 'resolved', render: (v) => (v ? '已解决' : '未解决') },
  ];
  const table = <T extends object>(rows: T[] | undefined, columns: TableColumnsType<T>, empty: string) => (
    <Table<T & { key: number }>
      size="small"
      pagination={false}
      dataSource={(rows ?? []).map((r, key) => ({ ...r, key }))}
      columns={columns as TableColumnsType<T & { key: number }>}
      locale={{ emptyText: empty }}
    />
  );
  return (
    <Collapse
      size="small"
      items={[{
        key: 'input',
        label: '评估所用数据（由登记的收支与风险记录生成，已作废的记录不参与）',
        children: (
          <Space direction="vertical" style={{ width: '100%' }} size={12}>
            <Typography.Text type="secondary">
              各条收入按计算期内月数折算（INC-4），此处的折算金额四舍五入显示；纯收入由评估引擎精确合计后取整。
            </Typography.Text>
            {table(input.incomes, incomeColumns, '无收入记录')}
            {table(input.claims, claimColumns, '无理赔记录')}
            {table(input.expenses, expenseColumns, '无支出记录')}
            {table(input.risks, riskColumns, '评估日无已发现的风险')}
          </Space>
        ),
      }]}
    />
  );
}

function Explanation({ data, household }: { data: AssessmentExplanation; household: HouseholdDetail }) {
  const { input, result: r } = data;
  const names = new Map(household.members.map((m) => [`m${m.id}`, m.name]));
  const uncountedReasons = r.reasons.filter((x) => UNCOUNTED_MEMBER_RULES.includes(x.rule));
  const uncounted = new Set(uncountedReasons.flatMap((x) => [...x.message.matchAll(/成员(m\d+)/g)].map((m) => m[1]!)));
  const yuanText = (v: number, testId?: string) => <span data-testid={testId}>{yuan(v)} 元</span>;

  const summary: ReactNode =
    r.kind === 'identification' ? (
      <Space wrap>
        <Tag color={RECOMMENDATION_COLOR[r.recommendation ?? '']} data-testid="recommendation" style={{ fontSize: 14, padding: '2px 10px' }}>
          {label(RECOMMENDATION, r.recommendation)}
        </Tag>
        {r.category && <Tag color="red">{label(MONITORING_CATEGORY, r.category)}</Tag>}
      </Space>
    ) : (
      <Space wrap>
        <Tag color={r.eligible ? 'green' : 'red'} data-testid="eligible" style={{ fontSize: 14, padding: '2px 10px' }}>
          {r.eligible ? '符合风险消除条件' : '暂不符合风险消除条件'}
        </Tag>
        {r.earliestMonth && <span>最早可于 <b data-testid="earliest-month">{r.earliestMonth}</b> 消除风险</span>}
      </Space>
    );

  const items: DescriptionsProps['items'] = [
    { key: 'summary', label: r.kind === 'identification' ? '评估建议' : '评估结论', span: 'filled', children: summary },
    { key: 'asOf', label: '评估日期', children: input.asOf },
    { key: 'kind', label: '评估类型', children: label(ASSESSMENT_KIND, r.kind) },
    {
      key: 'window', label: '收入计算期',
      children: <span data-testid="income-window">{r.window.from} 至 {r.window.to}（{monthsBetween(r.window.from, r.window.to)}个月，Q10）</span>,
    },
    {
      key: 'members', label: '计入家庭人口',
      children: (
        <Space direction="vertical" size={2}>
          <span data-testid="counted-members">{r.countedMembers}人（登记成员{input.household.members.length}人）</span>
          {[...uncounted].map((id) => (
            <Typography.Text type="warning" key={id}>不计入：{names.get(id) ?? id}</Typography.Text>
          ))}
        </Space>
      ),
    },
    {
      key: 'components', label: '收入构成（计算期内，Q13）', span: 'filled',
      children: (
        <Space wrap size={[16, 4]} data-testid="income-components">
          <span>工资性收入 {yuan(data.components.wage)} 元</span>
          <span>生产经营性收入 {yuan(data.components.business)} 元</span>
          <span>转移性收入 {yuan(data.components.transfer)} 元</span>
          <span>财产性收入 {yuan(data.components.property)} 元</span>
          <span>减：生产经营性支出 {yuan(data.components.business_cost)} 元</span>
          <span>已到位理赔 {yuan(data.components.paidClaims)} 元（Q14）</span>
        </Space>
      ),
    },
    { key: 'net', label: '家庭纯收入（计算期内）', children: yuanText(r.netIncome, 'net-income') },
    { key: 'perCapita', label: '人均纯收入', children: yuanText(r.perCapitaNetIncome, 'per-capita') },
    { key: 'threshold', label: '监测范围', children: <span data-testid="threshold">{yuan(r.threshold)} 元/人·年</span> },
    {
      key: 'range', label: '与监测范围比较',
      children: r.withinRange ? <Tag color="orange">未超过监测范围</Tag> : <Tag color="green">超过监测范围</Tag>,
    },
    { key: 'compliant', label: '合规自付支出（计算期内）', children: yuanText(r.compliantExpenditure, 'compliant-expenditure') },
    {
      key: 'after', label: '扣除合规自付支出后人均收入',
      children: (
        <Space direction="vertical" size={0}>
          {yuanText(r.perCapitaIncomeAfterExpenditure, 'after-expenditure')}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>（纯收入 + 已到位理赔 − 合规自付支出）÷ 计入人口（Q13、Q14）</Typography.Text>
        </Space>
      ),
    },
    {
      key: 'flags', label: '提示标记',
      children: r.flags.length ? <Space wrap>{r.flags.map((f) => <Tag color="orange" key={f}>{label(ASSESSMENT_FLAG, f)}</Tag>)}</Space> : '无',
    },
    ...(r.kind === 'elimination'
      ? [
          { key: 'identified', label: '识别日期', children: input.kind === 'elimination' ? input.identifiedOn : '—' },
          { key: 'fallback', label: '整户无劳动能力兜底保障户', children: input.household.wholeHouseholdNoLaborFallback ? '是' : '否' },
          { key: 'guarantees', label: '“三保障”和饮水安全', children: input.kind === 'elimination' && input.guaranteesSecured ? '有保障（无未解决的相关风险）' : '存在未解决的相关风险' },
        ]
      : []),
  ];

  const checkColumns: TableColumnsType<AssessmentCheck> = [
    { title: '检查项', dataIndex: 'rule', width: 220, render: (v) => label(ELIMINATION_CHECK, v) },
    { title: '结果', dataIndex: 'passed', width: 90, render: (v) => (v ? <Tag color="green">通过</Tag> : <Tag color="red">未通过</Tag>) },
    { title: '条款', dataIndex: 'clause', width: 120, render: (v) => <ClauseTags clause={v} /> },
    { title: '说明', dataIndex: 'message', render: (v) => withNames(v, names) },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }} size={16}>
      {r.warnings.length > 0 && (
        <Alert type="warning" showIcon title="提醒" data-testid="assessment-warnings" description={r.warnings.map((w, i) => <div key={i}>{w}</div>)} />
      )}
      <Descriptions items={items} column={{ xs: 1, md: 2, xl: 3 }} size="small" bordered />
      {r.kind === 'elimination' && (
        <Table<AssessmentCheck> rowKey="rule" size="small" pagination={false} columns={checkColumns} dataSource={r.checks} data-testid="elimination-checks" />
      )}
      <div data-testid="reasons">
        <Typography.Title level={5} style={{ marginTop: 0 }}>评估理由</Typography.Title>
        <List<AssessmentReason>
          size="small"
          bordered
          dataSource={r.reasons}
          renderItem={(x) => (
            <List.Item>
              <Space align="start" wrap>
                <ClauseTags clause={x.clause} />
                <b>{label(ASSESSMENT_RULE, x.rule)}</b>
                <span>{withNames(x.message, names)}</span>
              </Space>
            </List.Item>
          )}
        />
      </div>
      <InputTables input={input.household} result={r} names={names} uncounted={uncounted} />
    </Space>
  );
}

/**
 * 评估说明: the contract result for this household on a chosen date (GET
 * /households/:id/assessment?explain=true), every figure and reason with its clause. Stores nothing.
 */
export function AssessmentSection({ household }: { household: HouseholdDetail }) {
  const [asOf, setAsOf] = useState<Dayjs>(() => dayjs());
  const [kind, setKind] = useState<Kind>('identification');
  const [natural, setNatural] = useState(false);
  const date = asOf.format('YYYY-MM-DD');
  const naturalElimination = kind === 'elimination' && natural;
  const q = useQuery({
    queryKey: [ASSESSMENT_QUERY, household.id, date, kind, naturalElimination],
    queryFn: () =>
      api.get<AssessmentExplanation>(`/households/${household.id}/assessment`, {
        asOf: date, kind, explain: 'true', naturalElimination: naturalElimination ? 'true' : undefined,
      }),
  });

  const controls = (
    <Space wrap>
      <DatePicker value={asOf} onChange={(d) => d && setAsOf(d)} allowClear={false} id="assessment_asOf" />
      <Radio.Group
        optionType="button"
        value={kind}
        onChange={(e) => setKind(e.target.value)}
        options={[
          { value: 'identification', label: '识别' },
          { value: 'elimination', label: '风险消除' },
        ]}
      />
      {kind === 'elimination' && (
        <Checkbox checked={natural} onChange={(e) => setNatural(e.target.checked)}>风险自然消除（Q32）</Checkbox>
      )}
      <Button icon={<ReloadOutlined />} onClick={() => q.refetch()} loading={q.isFetching}>重新评估</Button>
    </Space>
  );

  let body: ReactNode;
  if (q.isPending) body = <div style={{ padding: 32, textAlign: 'center' }}><Spin /></div>;
  else if (q.error) {
    const errors = q.error instanceof ApiError ? q.error.errors : [{ path: '', message: String(q.error) }];
    body = (
      <Alert
        data-testid="assessment-error"
        type={q.error instanceof ApiError && q.error.status === 422 ? 'warning' : 'error'}
        showIcon
        title="无法评估"
        description={errors.map((e, i) => <div key={i}>{e.message}</div>)}
      />
    );
  } else body = <Explanation data={q.data} household={household} />;

  return (
    <Card title="评估说明" extra={controls} style={{ marginTop: 16 }} data-testid="assessment-section">
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        按登记数据和评估日有效的政策参数试算，不保存、不改变监测状态。收入是识别的重要条件之一而非唯一条件（Q12），结论须经规定程序认定。
      </Typography.Paragraph>
      {body}
    </Card>
  );
}
