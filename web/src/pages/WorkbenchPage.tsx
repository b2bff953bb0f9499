import { Link } from 'react-router-dom';
import { Alert, Button, Card, Col, Empty, Row, Space, Statistic, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { FileSearchOutlined, HomeOutlined, ReloadOutlined } from '@ant-design/icons';
import { firstMessage } from '../api.ts';
import { useMe } from '../auth.ts';
import { DUE_STATUS_COLOR, useWorkbench, type Workbench, type WorkbenchTask as CaseWorkbenchTask } from '../cases.ts';
import type { Json } from '../intake/intake.ts';
import type { getWorkbench } from '../../../src/app/workbench/get-workbench.ts';
import { MEASURE_CATALOGUE } from '../../../src/domain/measures.ts';

/** A verification task's deadline (WRN-1) carries the task's id: it opens the task's page. */
type WorkbenchTask = CaseWorkbenchTask & { taskId?: number };
/** A department's own work (src/app/workbench/get-workbench.ts): its warnings' counts and the planned measures of its kind. */
type DepartmentWork = NonNullable<Json<Awaited<ReturnType<typeof getWorkbench>>>['department']>;

/** Where a task opens: the verification task, the case, or the household. */
const taskLink = (t: WorkbenchTask) =>
  t.taskId !== undefined && t.taskId !== null ? `/verification-tasks/${t.taskId}` : t.caseId ? `/cases/${t.caseId}` : t.householdId ? `/households/${t.householdId}` : null;

/** Roles that supervise subordinate regions (src/app/workbench/get-workbench.ts). */
const SUPERVISORS = ['township', 'county', 'city', 'province', 'national'];

const taskColumns: TableColumnsType<WorkbenchTask> = [
  {
    title: '剩余时间', dataIndex: 'daysLeftText', width: 120,
    render: (v, t) => <Tag color={DUE_STATUS_COLOR[t.status] ?? 'default'} data-testid="task-due">{v}</Tag>,
  },
  { title: '期限', dataIndex: 'dueOn', width: 110, render: (v) => v ?? '—' },
  {
    title: '事项', dataIndex: 'title',
    render: (v, t) => {
      const to = taskLink(t);
      return to ? <Link to={to}>{v}</Link> : v;
    },
  },
  { title: '户主', dataIndex: 'headName', width: 100, render: (v, t) => (t.householdId ? <Link to={`/households/${t.householdId}`}>{v ?? '（无户主）'}</Link> : '—') },
  { title: '所在区划', dataIndex: 'regionName', width: 160, ellipsis: true, render: (v) => v ?? '—' },
  {
    title: '操作', key: 'op', width: 80, fixed: 'right',
    render: (_, t) => {
      const to = taskLink(t);
      return to ? <Link to={to}>{t.taskId != null ? '核实' : t.caseId ? '办理' : '查看'}</Link> : null;
    },
  },
];

const regionColumns: TableColumnsType<Workbench['overdueByRegion'][number]> = [
  { title: '下级区划', dataIndex: 'regionName' },
  { title: '逾期事项', dataIndex: 'overdue', width: 110, align: 'right', render: (v) => <Tag color={v ? 'red' : 'default'}>{v}</Tag> },
  { title: '即将到期', dataIndex: 'dueSoon', width: 110, align: 'right', render: (v?: number) => (v === undefined ? '—' : v) },
];

type PlannedMeasure = DepartmentWork['measures'][number];

const measureColumns: TableColumnsType<PlannedMeasure> = [
  {
    title: '计划开始', dataIndex: 'daysLeftText', width: 130,
    render: (v, m) => <Tag color={DUE_STATUS_COLOR[m.status] ?? 'default'}>{m.dueOn ?? '—'} · {v}</Tag>,
  },
  { title: '措施类型', dataIndex: 'type', width: 150, render: (v: string) => MEASURE_CATALOGUE[v as keyof typeof MEASURE_CATALOGUE]?.name ?? v },
  { title: '措施内容', dataIndex: 'description', ellipsis: true, render: (v) => v ?? '—' },
  { title: '所在区划', dataIndex: 'regionName', width: 170, ellipsis: true, render: (v, m) => v ?? m.regionCode },
  { title: '农户', dataIndex: 'householdId', width: 90, render: (v: number) => <Link to={`/households/${v}`}>户编号{v}</Link> },
];

/** A line department's 工作台 (WRN-1, AST-5): what became of its warnings, and the measures of its kind to carry out. */
function DepartmentSection({ work }: { work: DepartmentWork }) {
  const counts = [
    { title: '已报送预警', value: work.warnings.received },
    { title: '新生成核实任务', value: work.warnings.tasks },
    { title: '合并到办理中的任务', value: work.warnings.merged },
    { title: '未在系统登记', value: work.warnings.unknown },
  ];
  return (
    <>
      <Card title="本部门预警" extra={<Link to="/warnings"><Button type="primary">预警报送</Button></Link>} data-testid="department-warnings">
        <Row gutter={16}>
          {counts.map((c) => (
            <Col key={c.title} xs={12} md={6}>
              <Statistic title={c.title} value={c.value} />
            </Col>
          ))}
        </Row>
      </Card>
      <Card title="本部门待实施的帮扶措施" styles={{ body: { padding: 0 } }} data-testid="department-measures">
        <Table<PlannedMeasure>
          rowKey="measureId"
          size="small"
          columns={measureColumns}
          dataSource={work.measures}
          pagination={{ pageSize: 20, hideOnSinglePage: true, style: { paddingInline: 16 } }}
          locale={{ emptyText: <Empty description="暂无由本部门实施的计划措施" /> }}
        />
      </Card>
    </>
  );
}

function schedulerText(w: Workbench): string {
  if (!w.scheduler) return '期限扫描尚未运行，逾期统计可能不完整';
  const at = new Date(w.scheduler.lastSuccessAt);
  const when = Number.isNaN(at.getTime()) ? w.scheduler.lastSuccessAt : at.toLocaleString('zh-CN', { hour12: false });
  return `期限扫描最近一次运行：${when}（扫描日期 ${w.scheduler.ranFor}）`;
}

/**
 * 工作台 (PRC-7): the tasks of the user's region and role, nearest due date first, overdue in
 * red and due soon in orange; totals; for supervisors the overdue counts of each subordinate
 * region; when the deadline scan last ran.
 */
export default function WorkbenchPage() {
  const me = useMe().data!;
  const q = useWorkbench();
  const w = q.data;
  const hour = new Date().getHours();
  const greeting = hour < 12 ? '上午好' : hour < 18 ? '下午好' : '晚上好';
  const overdueTasks = w?.tasks.filter((t) => t.status === 'overdue').length ?? 0;
  const supervisor = SUPERVISORS.includes(me.role);
  const department = (w as (Workbench & { department?: DepartmentWork | null }) | undefined)?.department ?? null;

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card>
        <div className="jb-page-title" style={{ marginBottom: 0 }}>
          <div>
            <Typography.Title level={3} style={{ marginTop: 0 }}>
              {greeting}，{me.displayName}
            </Typography.Title>
            <Typography.Paragraph style={{ marginBottom: 0 }}>
              您的角色是 <b>{me.roleName}</b>，管辖区域为 <b>{me.regionName ?? me.regionCode}</b>。您看到和办理的农户均限于本辖区。
            </Typography.Paragraph>
          </div>
          <Space wrap>
            <Link to="/households"><Button icon={<HomeOutlined />}>农户管理</Button></Link>
            <Link to="/cases"><Button icon={<FileSearchOutlined />}>案件</Button></Link>
            <Button icon={<ReloadOutlined />} onClick={() => q.refetch()} loading={q.isFetching}>刷新</Button>
          </Space>
        </div>
      </Card>
      {q.error && <Alert type="error" showIcon title={`待办加载失败：${firstMessage(q.error)}`} />}
      <Row gutter={16}>
        <Col xs={12} md={6}>
          <Card><Statistic title="我的待办" value={w?.tasks.length ?? 0} loading={q.isPending} /></Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title="其中已逾期" value={overdueTasks} loading={q.isPending} styles={{ content: { color: overdueTasks ? '#cf1322' : undefined } }} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title="辖区逾期事项" value={w?.totals.overdue ?? 0} loading={q.isPending} styles={{ content: { color: w?.totals.overdue ? '#cf1322' : undefined } }} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title="辖区3日内到期" value={w?.totals.dueSoon ?? 0} loading={q.isPending} styles={{ content: { color: w?.totals.dueSoon ? '#d46b08' : undefined } }} />
          </Card>
        </Col>
      </Row>
      <Card
        title={`待办事项${w ? `（截至 ${w.today}）` : ''}`}
        extra={w && <Typography.Text type="secondary" data-testid="scheduler-run">{schedulerText(w)}</Typography.Text>}
        styles={{ body: { padding: 0 } }}
        data-testid="workbench-tasks"
      >
        <Table<WorkbenchTask>
          rowKey={(t) => `${t.type}-${t.deadlineId ?? t.caseId}`}
          size="middle"
          columns={taskColumns}
          dataSource={w?.tasks ?? []}
          loading={q.isFetching}
          pagination={{ pageSize: 20, hideOnSinglePage: true, style: { paddingInline: 16 } }}
          scroll={{ x: 900 }}
          locale={{ emptyText: <Empty description="暂无待办事项。发现风险线索时，可在农户详情页“登记线索”。" /> }}
        />
      </Card>
      {department && <DepartmentSection work={department} />}
      {supervisor && (
        <Card title="下级区域逾期情况" styles={{ body: { padding: 0 } }} data-testid="overdue-by-region">
          <Table
            rowKey="regionCode"
            size="small"
            columns={regionColumns}
            dataSource={w?.overdueByRegion ?? []}
            pagination={false}
            locale={{ emptyText: '下级区域暂无逾期事项' }}
          />
        </Card>
      )}
    </Space>
  );
}
