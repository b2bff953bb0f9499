import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import {
  Alert, App, Button, Card, DatePicker, Descriptions, Empty, Form, Input, Radio, Select, Space, Table, Tag, Typography,
  type DescriptionsProps, type TableColumnsType,
} from 'antd';
import { ArrowLeftOutlined, FileSearchOutlined } from '@ant-design/icons';
import { ApiError, api, firstMessage, type FieldError } from '../api.ts';
import { DUE_STATUS_COLOR, useServerToday, WORKBENCH_KEY } from '../cases.ts';
import { ErrorResult } from '../components/ErrorResult.tsx';
import { applyServerErrors, textOrNull } from '../forms.ts';
import { options, RISK_TYPE } from '../labels.ts';
import { PageSpin } from '../App.tsx';
import { fmtTime } from '../imports/imports.ts';
import { HouseholdPicker } from './HouseholdPicker.tsx';
import { describeIntakePath, OUTCOME_COLOR, TASK_STATE_COLOR, TASKS_KEY, taskKey, useTask, type TaskDetail } from './intake.ts';

type Warning = TaskDetail['warnings'][number];

const warningColumns: TableColumnsType<Warning> = [
  { title: '预警日期', dataIndex: 'warnedOn', width: 110 },
  { title: '部门', dataIndex: 'departmentName', width: 90 },
  { title: '类型', dataIndex: 'typeName', width: 170 },
  { title: '渠道', dataIndex: 'channelName', width: 90 },
  { title: '来源单号', dataIndex: 'sourceRef', width: 140, render: (v) => v ?? '—' },
  { title: '内容', dataIndex: 'detail', render: (v) => v ?? <Typography.Text type="secondary">（仅核实人员可见）</Typography.Text> },
  { title: '处理', dataIndex: 'outcome', width: 110, render: (v) => <Tag color={OUTCOME_COLOR[v]}>{v === 'merged' ? '合并' : v === 'task' ? '生成任务' : v}</Tag> },
  { title: '收到时间', dataIndex: 'receivedAt', width: 160, render: (v: string) => fmtTime(v) },
];

interface VisitValues {
  outcome?: string;
  visitedOn?: Dayjs;
  visitors?: string;
  findings?: string;
  reasonCode?: string;
  reason?: string;
  riskType?: string;
  householdId?: number;
}

/** The visit's record (Q43): the outcomes the server allows, with the fields each needs. */
function VisitForm({ task, onDone }: { task: TaskDetail; onDone: (t: TaskDetail) => void }) {
  const [form] = Form.useForm<VisitValues>();
  const today = useServerToday();
  const outcome = Form.useWatch('outcome', form);
  const reasonCode = Form.useWatch('reasonCode', form);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<FieldError[] | null>(null);
  const needsHousehold = task.householdId === null && outcome !== undefined && outcome !== 'no_risk';

  async function finish(v: VisitValues) {
    setBusy(true);
    setProblems(null);
    try {
      const body = {
        version: task.version, outcome: v.outcome, visitedOn: v.visitedOn?.format('YYYY-MM-DD'), visitors: v.visitors?.trim(),
        findings: textOrNull(v.findings),
        ...(v.outcome === 'no_risk' ? { reasonCode: v.reasonCode, reason: textOrNull(v.reason) } : {}),
        ...(v.outcome === 'already_monitored' ? { riskType: v.riskType } : {}),
        ...(needsHousehold ? { householdId: v.householdId } : {}),
      };
      onDone(await api.post<TaskDetail>(`/verification-tasks/${task.id}/outcome`, body));
    } catch (e) {
      if (e instanceof ApiError && (e.status === 400 || e.status === 422)) setProblems(applyServerErrors(form, e.errors));
      else setProblems(e instanceof ApiError ? e.errors : [{ path: '', message: firstMessage(e) }]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="登记入户核实结果" style={{ marginTop: 16 }} data-testid="visit-form">
      <Form<VisitValues> form={form} name="visit" layout="vertical" onFinish={finish} autoComplete="off" initialValues={{ visitedOn: dayjs(today) }} style={{ maxWidth: 720 }}>
        <Form.Item name="outcome" label="核实结论" rules={[{ required: true, message: '请选择核实结论' }]}>
          <Radio.Group>
            <Space orientation="vertical">
              {task.outcomes.map((o) => (
                <Radio key={o.code} value={o.code}>{o.name}</Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
        <Space wrap size="large" align="start">
          <Form.Item name="visitedOn" label="入户核实日期" rules={[{ required: true, message: '请选择入户核实日期' }]}>
            <DatePicker disabledDate={(d) => { const s = d.format('YYYY-MM-DD'); return s > today || s < task.leadOn; }} />
          </Form.Item>
          <Form.Item name="visitors" label="核实人员" rules={[{ required: true, whitespace: true, message: '请填写核实人员' }]} style={{ minWidth: 320 }}>
            <Input maxLength={200} placeholder="如：村支书李某、驻村工作队员王某" />
          </Form.Item>
        </Space>
        {needsHousehold && (
          <Form.Item name="householdId" label="核实的农户" rules={[{ required: true, message: '请选择核实的农户' }]} extra="该任务未关联登记的农户（举报未指明人员），请指定实际核实的农户">
            <HouseholdPicker />
          </Form.Item>
        )}
        {outcome === 'no_risk' && (
          <>
            <Form.Item name="reasonCode" label="无风险的原因" rules={[{ required: true, message: '请选择无风险的原因' }]}
              extra={task.source === 'dibao_application' || task.source === 'tekun_application' ? '新申请低保、特困的，不能以“已享受低保或特困”为由不开展监测识别（Q8）' : undefined}>
              <Select options={task.noRiskReasons.map((r) => ({ value: r.code, label: r.name }))} placeholder="请选择" />
            </Form.Item>
            <Form.Item name="reason" label="原因说明" rules={[{ required: reasonCode === 'other', whitespace: true, message: '选择“其他”时须说明原因' }]}>
              <Input.TextArea rows={2} maxLength={1000} showCount />
            </Form.Item>
          </>
        )}
        {outcome === 'already_monitored' && (
          <Form.Item name="riskType" label="新增风险类型" rules={[{ required: true, message: '请选择新增风险类型' }]} extra="登记到监测对象的风险中，发现日期为线索日期">
            <Select options={options(RISK_TYPE)} placeholder="请选择" />
          </Form.Item>
        )}
        <Form.Item name="findings" label="核实情况">
          <Input.TextArea rows={3} maxLength={2000} showCount placeholder="入户了解到的家庭收入、支出和困难情况" />
        </Form.Item>
        {problems && problems.length > 0 && (
          <Alert type="error" showIcon style={{ marginBottom: 16 }} data-testid="visit-error"
            title={problems.map((p) => (p.path ? `${describeIntakePath(p.path)}：${p.message}` : p.message)).join('；')} />
        )}
        <Button type="primary" htmlType="submit" loading={busy}>
          提交核实结果
        </Button>
      </Form>
    </Card>
  );
}

/**
 * 核实任务详情 (WRN-1, Q43): what the warnings said (for those who verify), the deadline, and for
 * the village or township the visit form; a visit that found risk opens the identification case
 * with the warning's date as its lead date.
 */
export default function TaskPage() {
  const { id } = useParams();
  const q = useTask(id);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();

  if (q.isPending) return <PageSpin />;
  if (q.error) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  const t = q.data;

  function done(next: TaskDetail) {
    qc.setQueryData(taskKey(next.id), { ...next, canResolve: false });
    void qc.invalidateQueries({ queryKey: TASKS_KEY });
    void qc.invalidateQueries({ queryKey: WORKBENCH_KEY });
    message.success(`已登记：${next.stateName}`);
    if (next.state === 'case_opened' && next.caseId) navigate(`/cases/${next.caseId}`);
  }

  const info: DescriptionsProps['items'] = [
    { key: 'type', label: '事项', children: `${t.typeName ?? t.sourceName}${t.departmentName ? `（${t.departmentName}）` : ''}` },
    { key: 'source', label: '线索来源', children: t.sourceName },
    { key: 'lead', label: '线索日期', children: <span data-testid="task-lead-on">{t.leadOn}</span> },
    {
      key: 'household', label: '农户',
      children: t.householdId ? <Link to={`/households/${t.householdId}`}>{t.headName ?? '（无户主）'}（户编号 {t.householdId}）</Link> : <Typography.Text type="secondary">未关联（核实时指定）</Typography.Text>,
    },
    { key: 'region', label: '所在区划', children: t.regionName ?? t.regionCode },
    { key: 'monitored', label: '监测对象', children: t.monitored ? <Tag color="red">是</Tag> : '否' },
    { key: 'due', label: '核实期限', children: <Space size={4}>{t.dueOn}<Tag color={DUE_STATUS_COLOR[t.status] ?? 'default'}>{t.daysLeftText}</Tag></Space> },
    { key: 'state', label: '状态', children: <Tag color={TASK_STATE_COLOR[t.state]} data-testid="task-state">{t.stateName}</Tag> },
    { key: 'count', label: '合并的预警', children: `${t.warningCount} 条` },
    ...(t.summary ? [{ key: 'summary', label: '线索摘要', span: 3, children: t.summary }] : []),
  ];
  const closed: DescriptionsProps['items'] = t.state === 'open' ? [] : [
    { key: 'visitedOn', label: '入户核实日期', children: t.visitedOn ?? '—' },
    { key: 'visitors', label: '核实人员', children: t.visitors ?? '—' },
    { key: 'closedOn', label: '办结日期', children: t.closedOn ?? '—' },
    ...(t.reasonName ? [{ key: 'reason', label: '无风险的原因', span: 3, children: `${t.reasonName}${t.reason ? `：${t.reason}` : ''}` }] : []),
    ...(t.findings ? [{ key: 'findings', label: '核实情况', span: 3, children: t.findings }] : []),
    ...(t.caseId ? [{ key: 'case', label: '识别案件', children: <Link to={`/cases/${t.caseId}`} data-testid="task-case-link">打开案件 #{t.caseId}</Link> }] : []),
    ...(t.riskRecordId ? [{ key: 'risk', label: '新增风险', children: t.householdId ? <Link to={`/households/${t.householdId}`}>已登记到农户风险中</Link> : '已登记' }] : []),
  ];

  return (
    <>
      <div className="jb-page-title">
        <h2>核实任务 #{t.id}</h2>
        <Space>
          {t.caseId && (
            <Link to={`/cases/${t.caseId}`}><Button type="primary" icon={<FileSearchOutlined />}>打开识别案件</Button></Link>
          )}
          <Link to="/verification-tasks"><Button icon={<ArrowLeftOutlined />}>返回列表</Button></Link>
        </Space>
      </div>
      <Card>
        <Descriptions bordered size="small" column={{ xs: 1, md: 3 }} items={info} />
        {closed.length > 0 && <Descriptions style={{ marginTop: 16 }} title="核实结果" bordered size="small" column={{ xs: 1, md: 3 }} items={closed} />}
      </Card>
      <Card title="合并的预警" style={{ marginTop: 16 }} styles={{ body: { padding: 0 } }}>
        <Table<Warning>
          rowKey="id"
          size="small"
          columns={warningColumns}
          dataSource={t.warnings}
          pagination={false}
          scroll={{ x: 1000 }}
          locale={{ emptyText: <Empty description="该任务来自12317举报，没有部门预警" /> }}
        />
      </Card>
      {t.canResolve && t.state === 'open' && t.outcomes.length > 0 && <VisitForm task={t} onDone={done} />}
      {t.state === 'open' && !t.canResolve && (
        <Alert type="info" showIcon style={{ marginTop: 16 }} title="该任务由村级（或乡镇）入户核实后登记结果，您可在此查看进度。" />
      )}
    </>
  );
}

