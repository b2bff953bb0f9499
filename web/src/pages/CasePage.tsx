import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import {
  Alert, Button, Card, Col, Descriptions, Empty, Row, Space, Table, Tag, Timeline, Tooltip, Typography,
  type DescriptionsProps, type TableColumnsType, type TimelineItemProps,
} from 'antd';
import { DownloadOutlined, PrinterOutlined, ReloadOutlined } from '@ant-design/icons';
import { API } from '../api.ts';
import { useMe } from '../auth.ts';
import { ErrorResult } from '../components/ErrorResult.tsx';
import { ComparisonCard, ConsentModal, isBackwardStep, NoStepsHint, StepButtons } from '../components/CaseStepForms.tsx';
import { PageSpin } from '../App.tsx';
import { ELIMINATION_CHECK, HANDLING_ROLES, label, MONITORING_CATEGORY, MONITORING_STATUS, MONITORING_STATUS_COLOR, RECOMMENDATION, RECOMMENDATION_COLOR, ROLE, yuan } from '../labels.ts';
import {
  APPRAISAL_FORM, APPRAISAL_RESULT, ASSESSMENT_STAGE, DUE_STATUS_COLOR, NOT_IDENTIFIED_REASON, NOTIFY_CHANNEL, PROPOSED_MEASURE,
  STEP_FIELD, stateColor, useCase, useServerToday,
  type CaseAssessment, type CaseConsent, type CaseDeadline, type CaseNotification, type CaseStep, type CaseView,
} from '../cases.ts';

/** States in which consents are collected (src/app/cases/record-consent.ts). */
const CONSENT_STATES = ['verified', 'appraised', 'in_notice', 'noticed'];

/** One value of a step's data, in words. */
function stepValue(key: string, v: unknown): ReactNode {
  if (v === null || v === undefined || v === '') return null;
  switch (key) {
    case 'form': return label(APPRAISAL_FORM, v);
    case 'result': return label(APPRAISAL_RESULT, v);
    case 'objectionsUpheld': return v ? '成立' : '不成立';
    case 'category': return label(MONITORING_CATEGORY, v);
    case 'notifyChannel': return label(NOTIFY_CHANNEL, v);
    case 'reasonCode': return label(NOT_IDENTIFIED_REASON, v);
    case 'assessment': {
      const a = v as { recommendation?: string | null; category?: string | null; eligible?: boolean | null };
      if (a.recommendation) return `${label(RECOMMENDATION, a.recommendation)}${a.category ? `（${label(MONITORING_CATEGORY, a.category)}）` : ''}`;
      return a.eligible === null || a.eligible === undefined ? null : a.eligible ? '符合风险消除条件' : '暂不符合风险消除条件';
    }
    case 'proposedMeasures':
      return (v as { type: string; description: string }[]).map((m) => `${label(PROPOSED_MEASURE, m.type)}：${m.description}`).join('；');
    default:
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

/** Key data of a step, one line each (the reason is shown apart). */
function StepData({ step }: { step: CaseStep }) {
  const order = (k: string) => (k in STEP_FIELD ? Object.keys(STEP_FIELD).indexOf(k) : 999);
  const rows = Object.entries(step.data)
    .sort(([a], [b]) => order(a) - order(b))
    .filter(([k]) => k !== 'reason' && k !== 'place' && !(k === 'suspendedMeasures' && !step.data[k]))
    .map(([k, v]) => [k, stepValue(k, v)] as const)
    .filter(([, v]) => v !== null);
  return (
    <div style={{ fontSize: 13 }}>
      {rows.map(([k, v]) => (
        <div key={k}>
          <Typography.Text type="secondary">{label(STEP_FIELD, k)}：</Typography.Text>
          {v}
        </div>
      ))}
      {step.reason && (
        <div>
          <Typography.Text type="secondary">理由：</Typography.Text>
          {step.reason}
        </div>
      )}
    </div>
  );
}

function stepItems(c: CaseView): TimelineItemProps[] {
  const items: TimelineItemProps[] = c.steps.map((s) => ({
    key: s.id,
    color: isBackwardStep(s.action) ? 'red' : 'green',
    title: s.occurredOn,
    content: (
      <div data-testid={`step-${s.action}`}>
        <Space size={6} wrap>
          <Typography.Text strong>{s.label}</Typography.Text>
          <Typography.Text type="secondary">{s.fromState} → {s.toState}</Typography.Text>
        </Space>
        <div style={{ fontSize: 13 }}>
          <Typography.Text type="secondary">办理人：</Typography.Text>
          {s.actorName}（{label(ROLE, s.actorRole).replace(/（.*）$/, '')}）
          <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>登记于 {s.recordedAt.slice(0, 16).replace('T', ' ')}</Typography.Text>
        </div>
        <StepData step={s} />
      </div>
    ),
  }));
  items.unshift({
    key: 'lead',
    color: 'blue',
    title: c.leadOn,
    content: (
      <div>
        <Typography.Text strong>{c.kind === 'elimination' ? '发起风险消除核查' : '发现线索'}</Typography.Text>
        <div style={{ fontSize: 13 }}>
          <Typography.Text type="secondary">来源：</Typography.Text>
          {c.sourceName}
          {c.sourceRef ? `（${c.sourceRef}）` : ''}
        </div>
        {c.leadNote && <div style={{ fontSize: 13 }}>{c.leadNote}</div>}
      </div>
    ),
  });
  if (!c.outcome)
    items.push({
      key: 'now',
      color: 'gray',
      loading: true,
      content: (
        <Typography.Text type="secondary">
          当前：{c.stateName}
          {c.availableSteps.length > 0 ? `，待您办理：${c.availableSteps.map((s) => s.label).join('、')}` : ''}
        </Typography.Text>
      ),
    });
  return items;
}

const deadlineColumns: TableColumnsType<CaseDeadline> = [
  { title: '时限', dataIndex: 'label', render: (v, d) => <>{v} <Tag color="blue">{d.clause}</Tag></> },
  { title: '起算', dataIndex: 'openedOn', width: 100 },
  { title: '到期', dataIndex: 'dueOn', width: 100 },
  {
    title: '剩余', dataIndex: 'daysLeftText', width: 100,
    render: (v, d) => <Tag color={DUE_STATUS_COLOR[d.status]} data-testid="deadline-tag">{v}</Tag>,
  },
];

const notificationColumns: TableColumnsType<CaseNotification> = [
  { title: '告知日期', dataIndex: 'notifiedOn', width: 100 },
  { title: '方式', dataIndex: 'channel', width: 90, render: (v) => label(NOTIFY_CHANNEL, v) },
  { title: '内容', dataIndex: 'content' },
];

function assessmentConclusion(a: CaseAssessment): ReactNode {
  const r = a.result;
  if (r.kind === 'elimination' || r.recommendation === null)
    return r.eligible ? <Tag color="green">符合风险消除条件</Tag> : <Tag color="orange">暂不符合风险消除条件</Tag>;
  return (
    <Space size={4} wrap>
      <Tag color={RECOMMENDATION_COLOR[r.recommendation]}>{label(RECOMMENDATION, r.recommendation)}</Tag>
      {r.category && <Tag>{label(MONITORING_CATEGORY, r.category)}</Tag>}
    </Space>
  );
}

const assessmentColumns: TableColumnsType<CaseAssessment> = [
  { title: '评估时点', dataIndex: 'stage', width: 110, render: (v) => label(ASSESSMENT_STAGE, v) },
  { title: '评估日期', dataIndex: 'asOf', width: 110 },
  { title: '结论', key: 'conclusion', render: (_, a) => assessmentConclusion(a) },
  { title: '计入人口', key: 'members', width: 90, align: 'right', render: (_, a) => a.result.countedMembers },
  { title: '人均纯收入（元）', key: 'income', width: 140, align: 'right', render: (_, a) => yuan(a.result.perCapitaNetIncome) },
  {
    title: '所用监测范围', key: 'threshold', width: 160,
    render: (_, a) => {
      const p = a.parameters.monitoring_threshold;
      return (
        <span data-testid="threshold-used">
          {yuan(Number(p?.value ?? a.result.threshold))} 元/人·年{p?.reference ? `（${p.reference}，${p.from}起）` : ''}
        </span>
      );
    },
  },
  { title: '引擎版本', dataIndex: 'engineVersion', width: 110, render: (v) => <span className="jb-mono">{v}</span> },
];

function noticeHref(id: number, type: 'village_notice' | 'county_announcement', format: 'html' | 'xlsx') {
  return `${API}/cases/${id}/notice?type=${type}&format=${format}`;
}

/** Print (new tab, HTML) or download (XLSX) the village notice / county announcement (PRC-8). */
function NoticeButtons({ c }: { c: CaseView }) {
  const noticed = c.steps.some((s) => s.action === 'start_notice');
  const announced = !!c.decidedOn && ['approved', 'announced', 'entered'].includes(c.state);
  const one = (type: 'village_notice' | 'county_announcement', enabled: boolean, text: string, why: string, file: string) => (
    <Tooltip title={enabled ? undefined : why}>
      <Space.Compact>
        <Button icon={<PrinterOutlined />} disabled={!enabled} href={enabled ? noticeHref(c.id, type, 'html') : undefined} target="_blank" data-testid={`print-${type}`}>
          {text}
        </Button>
        <Button icon={<DownloadOutlined />} disabled={!enabled} href={enabled ? noticeHref(c.id, type, 'xlsx') : undefined} download={file} aria-label={`${text} XLSX`}>
          XLSX
        </Button>
      </Space.Compact>
    </Tooltip>
  );
  return (
    <Space wrap>
      {one('village_notice', noticed, '打印村内公示', '尚未开始村内公示', `村内公示-${c.id}.xlsx`)}
      {one('county_announcement', announced, '打印县级公告', '县级批准后方可生成公告', `县级公告-${c.id}.xlsx`)}
    </Space>
  );
}

export default function CasePage() {
  const { id } = useParams();
  const me = useMe().data!;
  const today = useServerToday();
  const q = useCase(id);
  const [consent, setConsent] = useState<CaseConsent | null>(null);

  if (q.isPending) return <PageSpin />;
  if (q.error) return <ErrorResult error={q.error} onRetry={() => q.refetch()} />;
  const c = q.data;
  const h = c.household;
  const canConsent = HANDLING_ROLES.includes(me.role) && !c.outcome && CONSENT_STATES.includes(c.state) && c.kind === 'identification';
  const missing = c.consents.filter((k) => k.counted && !k.signedOn).length;

  const info: DescriptionsProps['items'] = [
    { key: 'head', label: '户主', children: <Link to={`/households/${h.id}`}>{h.headName ?? '（无户主）'}（户编号 {h.id}）</Link> },
    { key: 'region', label: '所在村', span: 2, children: `${h.regionPath}${h.villageGroup ? ` ${h.villageGroup}` : ''}` },
    { key: 'poor', label: '户类型', children: h.formerlyPoor ? <Tag color="orange">脱贫户</Tag> : <Tag>一般农户</Tag> },
    { key: 'source', label: '线索来源', children: `${c.sourceName}${c.sourceRef ? `（${c.sourceRef}）` : ''}` },
    { key: 'leadOn', label: c.kind === 'elimination' ? '核查发起日期' : '线索发现日期', children: c.leadOn },
    { key: 'state', label: '办理状态', children: <Tag color={stateColor(c.state, c.outcome)} data-testid="case-state">{c.stateName}</Tag> },
    {
      key: 'green', label: '绿色通道',
      children: c.greenChannel ? <Tag color="green" data-testid="green-tag">已纳入（{c.greenEnteredOn}）</Tag> : '否',
    },
    { key: 'category', label: '监测类别', children: label(MONITORING_CATEGORY, c.category ?? h.monitoringCategory) },
    { key: 'decided', label: '县级审批日期', children: c.decidedOn ?? '—' },
    {
      key: 'status', label: '本户监测状态',
      children: (
        <Space size={4}>
          <Tag color={MONITORING_STATUS_COLOR[h.monitoringStatus]}>{label(MONITORING_STATUS, h.monitoringStatus)}</Tag>
          {h.identifiedOn && <span>识别日期 {h.identifiedOn}</span>}
          {h.fallback && <Tag color="purple">整户兜底</Tag>}
        </Space>
      ),
    },
    ...(c.previousCaseId ? [{ key: 'prev', label: '前一案件', children: <Link to={`/cases/${c.previousCaseId}`}>#{c.previousCaseId}</Link> }] : []),
  ];

  const consentColumns: TableColumnsType<CaseConsent> = [
    { title: '家庭成员', dataIndex: 'name', width: 120 },
    { title: '计入家庭人口', dataIndex: 'counted', width: 120, render: (v) => (v ? '是' : <Tag>否</Tag>) },
    {
      title: '签署情况', key: 'signed',
      render: (_, k) =>
        k.signedOn ? (
          <Space size={4} wrap>
            <Tag color="green">已签署 {k.signedOn}</Tag>
            {k.delegateName && <span>由 {k.delegateName} 代签（{k.delegationNote}）</span>}
          </Space>
        ) : (
          <Tag color="orange">未签署</Tag>
        ),
    },
    ...(canConsent
      ? [{
          title: '操作', key: 'op', width: 110,
          render: (_: unknown, k: CaseConsent) =>
            !k.signedOn && k.counted ? (
              <Button type="link" size="small" onClick={() => setConsent(k)} data-testid={`consent-${k.memberId}`}>
                登记签署
              </Button>
            ) : null,
        }]
      : []),
  ];

  return (
    <>
      <div className="jb-page-title">
        <h2>
          {c.kindName}案件 #{c.id}：{h.headName ?? '（无户主）'}户{' '}
          <Tag color={stateColor(c.state, c.outcome)} style={{ verticalAlign: 'middle' }}>{c.stateName}</Tag>
          {c.greenChannel && <Tag color="green" style={{ verticalAlign: 'middle' }}>绿色通道</Tag>}
          {c.categoryName && <Tag color="red" style={{ verticalAlign: 'middle' }}>{c.categoryName}</Tag>}
        </h2>
        <Space wrap>
          <NoticeButtons c={c} />
          <Button icon={<ReloadOutlined />} onClick={() => q.refetch()} loading={q.isFetching}>刷新</Button>
          <Link to="/cases">返回案件列表</Link>
        </Space>
      </div>
      {c.outcome && (
        <Alert
          type={['identified', 'eliminated'].includes(c.outcome) ? 'success' : 'info'}
          showIcon
          style={{ marginBottom: 16 }}
          title={`案件已办结：${c.stateName}`}
          description={c.outcomeReason ?? undefined}
        />
      )}
      <Card title="案件信息" style={{ marginBottom: 16 }}>
        <Descriptions items={info} column={{ xs: 1, md: 2, xl: 3 }} size="small" bordered />
      </Card>
      {!c.outcome && (
        <Card title="办理" style={{ marginBottom: 16 }} data-testid="case-actions">
          {c.availableSteps.length ? <StepButtons view={c} today={today} /> : <NoStepsHint />}
          {c.kind === 'identification' && missing > 0 && CONSENT_STATES.includes(c.state) && (
            <Alert
              type="warning"
              showIcon
              style={{ marginTop: 12 }}
              title={`还有${missing}名家庭成员未签署承诺授权书，签齐后方可民主评议和县级审批（Q22）`}
            />
          )}
        </Card>
      )}
      <Row gutter={16}>
        <Col xs={24} xl={13}>
          <Card title="办理过程" style={{ marginBottom: 16 }} data-testid="case-timeline">
            <Timeline items={stepItems(c)} />
          </Card>
        </Col>
        <Col xs={24} xl={11}>
          <Card title="办理时限" style={{ marginBottom: 16 }} styles={{ body: { padding: 0 } }} data-testid="case-deadlines">
            <Table<CaseDeadline> rowKey="id" size="small" columns={deadlineColumns} dataSource={c.deadlines} pagination={false} locale={{ emptyText: '无时限要求' }} />
          </Card>
          <Card title="告知农户记录（Q29）" style={{ marginBottom: 16 }} styles={{ body: { padding: 0 } }}>
            <Table<CaseNotification>
              rowKey={(n) => `${n.event}-${n.notifiedOn}-${n.channel}`}
              size="small"
              columns={notificationColumns}
              dataSource={c.notifications}
              pagination={false}
              locale={{ emptyText: '暂无告知记录' }}
            />
          </Card>
        </Col>
      </Row>
      {c.kind === 'identification' && (
        <Card title="承诺授权书（Q22）" style={{ marginBottom: 16 }} styles={{ body: { padding: 0 } }} data-testid="case-consents">
          <Table<CaseConsent>
            rowKey="memberId"
            size="small"
            columns={consentColumns}
            dataSource={c.consents}
            pagination={false}
            locale={{ emptyText: <Empty description="入户核实后，按评估计入家庭人口的成员在此签署" /> }}
          />
        </Card>
      )}
      {c.kind === 'identification' && (
        <Card title="信息比对（Q43）" style={{ marginBottom: 16 }}>
          <ComparisonCard view={c} canAct={HANDLING_ROLES.includes(me.role)} today={today} />
        </Card>
      )}
      <Card title="评估快照（所依据的引擎版本与参数）" styles={{ body: { padding: 0 } }} data-testid="case-assessments">
        <Table<CaseAssessment>
          rowKey={(a) => `${a.stage}-${a.asOf}`}
          size="small"
          columns={assessmentColumns}
          dataSource={c.assessments}
          pagination={false}
          scroll={{ x: 900 }}
          locale={{ emptyText: '入户核实时留存评估快照' }}
          expandable={{
            rowExpandable: (a) => a.result.reasons.length > 0 || a.result.checks.length > 0,
            expandedRowRender: (a) => (
              <>
                <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                  {a.result.reasons.map((r, i) => (
                    <li key={i}>{r.message} <Tag color="blue">{r.clause}</Tag></li>
                  ))}
                </ul>
                {a.result.checks.length > 0 && (
                  <ul style={{ margin: '8px 0 0', paddingInlineStart: 20 }} data-testid="case-elimination-checks">
                    {a.result.checks.map((k) => (
                      <li key={k.rule}>
                        {label(ELIMINATION_CHECK, k.rule)}：{k.passed ? <Tag color="green">通过</Tag> : <Tag color="red">未通过</Tag>}
                        {k.message} <Tag color="blue">{k.clause}</Tag>
                      </li>
                    ))}
                  </ul>
                )}
              </>
            ),
          }}
        />
      </Card>
      {consent && <ConsentModal view={c} consent={consent} today={today} onClose={() => setConsent(null)} />}
    </>
  );
}
