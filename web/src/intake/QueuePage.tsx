import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Form, Modal, Space, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { ApiError, api, firstMessage, type FieldError } from '../api.ts';
import { applyServerErrors } from '../forms.ts';
import { ReasonModal } from '../admin/ReasonModal.tsx';
import { fmtTime } from '../imports/imports.ts';
import { HouseholdPicker } from './HouseholdPicker.tsx';
import { describeIntakePath, QUEUE_STATE_COLOR, TASKS_KEY, useWarnings, WARNINGS_KEY, type LocateResult, type WarningItem } from './intake.ts';

/** 找到农户: the county picks the household; the warning becomes a task of that household's village. */
function LocateModal({ warning, onClose, onDone }: { warning: WarningItem | null; onClose: () => void; onDone: (r: LocateResult) => void }) {
  const [form] = Form.useForm<{ householdId?: number }>();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<FieldError[] | null>(null);

  async function finish(v: { householdId?: number }) {
    if (!warning) return;
    setBusy(true);
    setProblems(null);
    try {
      onDone(await api.post<LocateResult>(`/warnings/${warning.id}/locate`, { version: warning.version, householdId: v.householdId }));
    } catch (e) {
      setProblems(e instanceof ApiError && e.status === 400 ? applyServerErrors(form, e.errors) : e instanceof ApiError ? e.errors : [{ path: '', message: firstMessage(e) }]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      title="找到农户，生成核实任务"
      open={!!warning}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText="生成核实任务"
      confirmLoading={busy}
      destroyOnHidden
      width={600}
    >
      {warning && (
        <Typography.Paragraph>
          预警对象 <b>{warning.personName}</b>（<span className="jb-mono">{warning.idNumber}</span>），{warning.typeName}，预警日期 {warning.warnedOn}。
          核实任务的线索日期为预警日期（Q42），由该户所在村核实。
        </Typography.Paragraph>
      )}
      {problems && problems.length > 0 && (
        <Alert type="error" showIcon style={{ marginBottom: 16 }} data-testid="modal-error"
          title={problems.map((p) => (p.path ? `${describeIntakePath(p.path)}：${p.message}` : p.message)).join('；')} />
      )}
      <Form form={form} name="locate" layout="vertical" onFinish={finish} preserve={false}>
        <Form.Item name="householdId" label="农户" rules={[{ required: true, message: '请选择农户' }]} extra="按姓名、身份证号或户编号查找本辖区的农户（与“农户管理”的查询相同）">
          <HouseholdPicker initialQuery={warning?.personName ?? ''} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * 县级待查队列 (WRN-1): warnings about persons the registry does not know (or not in the region
 * given). The county sees the full ID number here, finds the household (the person's ID changed,
 * a member not yet registered…) or sends the warning back with a reason.
 */
export default function QueuePage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [queue, setQueue] = useState<'pending' | 'located' | 'rejected'>('pending');
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const q = useWarnings({ queue, ...paging });
  const [locating, setLocating] = useState<WarningItem | null>(null);
  const [rejecting, setRejecting] = useState<WarningItem | null>(null);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: WARNINGS_KEY });
    void qc.invalidateQueries({ queryKey: TASKS_KEY });
  };

  const columns: TableColumnsType<WarningItem> = [
    { title: '预警日期', dataIndex: 'warnedOn', width: 110 },
    { title: '部门', dataIndex: 'departmentName', width: 90 },
    { title: '类型', dataIndex: 'typeName', width: 170, ellipsis: true },
    { title: '姓名', dataIndex: 'personName', width: 90 },
    { title: '身份证号', dataIndex: 'idNumber', width: 190, render: (v) => <Typography.Text className="jb-mono" copyable={queue === 'pending'}>{v}</Typography.Text> },
    { title: '来源单号', dataIndex: 'sourceRef', width: 140, ellipsis: true, render: (v) => v ?? '—' },
    { title: '报送区划', dataIndex: 'regionName', width: 150, ellipsis: true, render: (v, w) => v ?? w.regionCode },
    { title: '收到时间', dataIndex: 'receivedAt', width: 160, render: (v: string) => fmtTime(v) },
    {
      title: '状态', dataIndex: 'queueStateName', width: 200,
      render: (v, w) => (
        <Space size={4} wrap>
          <Tag color={QUEUE_STATE_COLOR[w.queueState ?? '']}>{v}</Tag>
          {w.queueReason && <Typography.Text type="secondary">{w.queueReason}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: '操作', key: 'op', width: 150, fixed: 'right',
      render: (_, w) =>
        w.queueState === 'pending' ? (
          <Space size={4}>
            <Button type="link" size="small" onClick={() => setLocating(w)}>找到农户</Button>
            <Button type="link" size="small" danger onClick={() => setRejecting(w)}>退回</Button>
          </Space>
        ) : w.householdId ? (
          <Link to={`/households/${w.householdId}`}>查看农户</Link>
        ) : null,
    },
  ];

  return (
    <>
      <div className="jb-page-title">
        <h2>县级待查队列</h2>
        <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>刷新</Button>
      </div>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="行业部门预警中未能按身份证号匹配到监测系统登记人员的，进入本队列。请核查后“找到农户”（生成核实任务，由该户所在村核实），或说明原因“退回”。完整身份证号仅在此处对县级显示。"
      />
      <Card styles={{ body: { padding: 0 } }}>
        <Tabs
          style={{ paddingInline: 16 }}
          activeKey={queue}
          onChange={(k) => {
            setQueue(k as typeof queue);
            setPaging((p) => ({ ...p, page: 1 }));
          }}
          items={[
            { key: 'pending', label: `待查找${q.data ? `（${q.data.counts.pending}）` : ''}` },
            { key: 'located', label: '已找到' },
            { key: 'rejected', label: '已退回' },
          ]}
        />
        {q.error && <Alert type="error" showIcon style={{ margin: '0 16px 16px' }} title={`待查队列加载失败：${firstMessage(q.error)}`} />}
        <Table<WarningItem>
          data-testid="queue-list"
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={q.data?.items ?? []}
          loading={q.isFetching}
          scroll={{ x: 1500 }}
          pagination={{
            current: paging.page, pageSize: paging.pageSize, total: q.data?.total ?? 0, showSizeChanger: true, pageSizeOptions: [20, 50, 100],
            showTotal: (t) => `共 ${t} 条`, onChange: (page, pageSize) => setPaging({ page: pageSize !== paging.pageSize ? 1 : page, pageSize }),
            style: { paddingInline: 16 },
          }}
          locale={{ emptyText: <Empty description={queue === 'pending' ? '待查队列为空：所有预警都已匹配到登记人员' : '暂无记录'} /> }}
        />
      </Card>
      <LocateModal
        warning={locating}
        onClose={() => setLocating(null)}
        onDone={(r) => {
          setLocating(null);
          message.success(r.merged ? `已找到农户，预警合并到办理中的核实任务 #${r.taskId}` : `已找到农户，生成核实任务 #${r.taskId}`);
          refresh();
        }}
      />
      <ReasonModal<{ reason: string }>
        title={rejecting ? `退回预警：${rejecting.personName}（${rejecting.typeName}）` : '退回预警'}
        open={!!rejecting}
        okText="退回"
        danger
        onClose={() => setRejecting(null)}
        description={<Typography.Paragraph type="secondary">如：经核查不是本县人员、身份证号有误且无法核实等。退回原因记入审计日志，报送部门可在其预警列表中看到。</Typography.Paragraph>}
        onSubmit={async (v) => {
          await api.post(`/warnings/${rejecting!.id}/reject`, { version: rejecting!.version, reason: v.reason });
          setRejecting(null);
          message.success('已退回');
          refresh();
        }}
      />
    </>
  );
}
