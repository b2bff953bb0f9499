import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Button, Card, Checkbox, Empty, Radio, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { firstMessage } from '../api.ts';
import { useMe } from '../auth.ts';
import { DUE_STATUS_COLOR } from '../cases.ts';
import { RESOLVING_ROLES, TASK_STATE_COLOR, useTasks, type TaskItem } from './intake.ts';

const columns = (resolving: boolean): TableColumnsType<TaskItem> => [
  {
    title: '剩余时间', dataIndex: 'daysLeftText', width: 120,
    render: (v, t) => <Tag color={DUE_STATUS_COLOR[t.status] ?? 'default'} data-testid="task-due">{v}</Tag>,
  },
  { title: '核实期限', dataIndex: 'dueOn', width: 110 },
  { title: '线索日期', dataIndex: 'leadOn', width: 110 },
  {
    title: '事项', key: 'what',
    render: (_, t) => (
      <Link to={`/verification-tasks/${t.id}`}>
        {t.typeName ?? t.sourceName}
        {t.departmentName ? `（${t.departmentName}）` : ''}
      </Link>
    ),
  },
  {
    title: '户主', dataIndex: 'headName', width: 110,
    render: (v, t) => (t.householdId ? <Link to={`/households/${t.householdId}`}>{v ?? '（无户主）'}</Link> : <Typography.Text type="secondary">待指定农户</Typography.Text>),
  },
  { title: '所在区划', dataIndex: 'regionName', width: 170, ellipsis: true, render: (v, t) => v ?? t.regionCode },
  { title: '监测对象', dataIndex: 'monitored', width: 90, render: (v: boolean) => (v ? <Tag color="red">是</Tag> : '否') },
  { title: '合并预警', dataIndex: 'warningCount', width: 90, align: 'right', render: (v: number) => (v > 1 ? <Tag color="cyan">{v} 条</Tag> : v) },
  { title: '状态', dataIndex: 'stateName', width: 210, render: (v, t) => <Tag color={TASK_STATE_COLOR[t.state]}>{v}</Tag> },
  {
    title: '操作', key: 'op', width: 110, fixed: 'right',
    render: (_, t) => (
      <Space size={8}>
        <Link to={`/verification-tasks/${t.id}`}>{t.state === 'open' && resolving ? '核实' : '查看'}</Link>
        {t.caseId && <Link to={`/cases/${t.caseId}`}>案件</Link>}
      </Space>
    ),
  },
];

/**
 * 核实任务 (WRN-1, Q43): the warnings and tips the village verifies at once, open ones first by
 * due date, with days left or overdue; the township and above follow them (read only above the
 * township).
 */
export default function TaskListPage() {
  const me = useMe().data!;
  const resolving = RESOLVING_ROLES.includes(me.role);
  const [state, setState] = useState<string>('open');
  const [overdue, setOverdue] = useState(false);
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const q = useTasks({ state: state || undefined, overdue: overdue ? 'true' : undefined, ...paging });

  return (
    <>
      <div className="jb-page-title">
        <h2>核实任务</h2>
        <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>刷新</Button>
      </div>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={resolving
          ? '行业部门预警和12317举报形成核实任务，请及时入户核实并登记结论：无风险的持续跟踪；发现风险的启动识别程序（识别期限从线索日期起算）；已是监测对象的登记新增风险。'
          : '本辖区的核实任务由村级（或乡镇）入户核实并登记结论；此处可查看办理进度和逾期情况。'}
      />
      <Card styles={{ body: { padding: 0 } }}>
        <Space wrap style={{ padding: 16 }}>
          <Radio.Group
            optionType="button"
            value={state}
            onChange={(e) => {
              setState(e.target.value);
              setPaging((p) => ({ ...p, page: 1 }));
            }}
            options={[{ value: 'open', label: '待核实' }, { value: 'closed', label: '已办结' }, { value: '', label: '全部' }]}
          />
          <Checkbox
            id="tasks_overdue"
            checked={overdue}
            onChange={(e) => {
              setOverdue(e.target.checked);
              setPaging((p) => ({ ...p, page: 1 }));
            }}
          >
            只看已逾期
          </Checkbox>
        </Space>
        {q.error && <Alert type="error" showIcon style={{ margin: '0 16px 16px' }} title={`核实任务加载失败：${firstMessage(q.error)}`} />}
        <Table<TaskItem>
          data-testid="task-list"
          rowKey="id"
          size="middle"
          columns={columns(resolving)}
          dataSource={q.data?.items ?? []}
          loading={q.isFetching}
          scroll={{ x: 1300 }}
          pagination={{
            current: paging.page, pageSize: paging.pageSize, total: q.data?.total ?? 0, showSizeChanger: true, pageSizeOptions: [20, 50, 100],
            showTotal: (t) => `共 ${t} 个任务`, onChange: (page, pageSize) => setPaging({ page: pageSize !== paging.pageSize ? 1 : page, pageSize }),
            style: { paddingInline: 16 },
          }}
          locale={{ emptyText: <Empty description={overdue ? '没有逾期的核实任务' : state === 'open' ? '没有待核实的任务' : '没有核实任务'} /> }}
        />
      </Card>
    </>
  );
}
