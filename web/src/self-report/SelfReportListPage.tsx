import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Drawer, Empty, Form, Input, Modal, Radio, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { EyeOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { api, firstMessage } from '../api.ts';
import { ErrorResult } from '../components/ErrorResult.tsx';
import { ScopedListPage, type Paging } from '../components/ScopedListPage.tsx';
import { REPORT_STATE_NAMES } from '../../../src/domain/self-report.ts';
import { REPORT_STATE_COLOR, useSelfReport, useSelfReports, type ReportDetail, type ReportItem } from './selfReport.ts';

interface Filters {
  regionCode?: string;
  state?: string;
}

const MONITORING: Record<string, string> = { monitored: '监测对象', eliminated: '已消除风险', none: '一般农户' };
const time = (v: string | null | undefined) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : '—');

function columns(open: (id: number) => void): TableColumnsType<ReportItem> {
  return [
    { title: '申报日期', dataIndex: 'reportedOn', width: 110 },
    { title: '户主', dataIndex: 'headName', width: 100, render: (v, r) => <a onClick={() => open(r.id)}>{v}</a> },
    { title: '身份证号', dataIndex: 'headIdNumber', width: 180, render: (v) => <span className="jb-mono">{v}</span> },
    { title: '所在村', dataIndex: 'regionName', width: 160, ellipsis: true },
    { title: '困难类型', dataIndex: 'difficultyNames', render: (v: string[]) => v.map((n) => <Tag key={n}>{n}</Tag>) },
    { title: '承诺授权', dataIndex: 'consentCount', width: 90, render: (v: number) => `${v} 人` },
    { title: '状态', dataIndex: 'stateName', width: 200, render: (v, r) => <Tag color={REPORT_STATE_COLOR[r.state]}>{v}</Tag> },
    {
      title: '操作', key: 'op', width: 120, fixed: 'right',
      render: (_, r) => (
        <Space size={8}>
          <a onClick={() => open(r.id)}>{r.state === 'received' ? '处理' : '查看'}</a>
          {r.caseId && <Link to={`/cases/${r.caseId}`}>案件</Link>}
        </Space>
      ),
    },
  ];
}

/** 启动识别: the registered household of the reporter (the village registers it first when there is none). */
function OpenCase({ r, onDone }: { r: ReportDetail; onDone: () => void }) {
  const { message } = App.useApp();
  const [householdId, setHouseholdId] = useState<number | undefined>(r.candidates[0]?.householdId);
  const [busy, setBusy] = useState(false);
  if (!r.candidates.length)
    return (
      <Alert
        type="info"
        showIcon
        title="未找到申报人已登记的农户"
        description={
          <>
            申报人的身份证号在本辖区没有登记为任何农户的在册成员。请先入户了解情况并<Link to="/households/new">登记该户</Link>
            （申报人须为该户成员），再回到这里启动识别；识别的线索日期为农户申报日期 {r.reportedOn}（Q42 的15天由此起算）。
          </>
        }
      />
    );
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Radio.Group value={householdId} onChange={(e) => setHouseholdId(e.target.value)} data-testid="report-candidates">
        <Space orientation="vertical">
          {r.candidates.map((h) => (
            <Radio key={h.householdId} value={h.householdId}>
              {h.headName ?? '（无户主）'}户 · {h.regionName} · {MONITORING[h.monitoringStatus] ?? h.monitoringStatus}
              {h.openCaseId ? `（已有办理中的识别案件 ${h.openCaseId}，将并入该案件）` : ''}
              <Link to={`/households/${h.householdId}`} style={{ marginInlineStart: 8 }}>查看农户</Link>
            </Radio>
          ))}
        </Space>
      </Radio.Group>
      <Button
        type="primary"
        disabled={!householdId}
        loading={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await api.post(`/self-reports/${r.id}/open-case`, { householdId, version: r.version });
            message.success('已启动识别程序，已签署的承诺授权书已附入案件');
            onDone();
          } catch (e) {
            message.error(firstMessage(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        启动识别
      </Button>
    </Space>
  );
}

function RejectButton({ r, onDone }: { r: ReportDetail; onDone: () => void }) {
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  return (
    <>
      <Button danger onClick={() => setOpen(true)}>
        不予受理
      </Button>
      <Modal
        title="不予受理"
        open={open}
        okText="确定不予受理"
        okButtonProps={{ danger: true, loading: busy }}
        onCancel={() => setOpen(false)}
        destroyOnHidden
        onOk={async () => {
          const v = await form.validateFields();
          setBusy(true);
          try {
            await api.post(`/self-reports/${r.id}/reject`, { reason: v.reason, version: r.version });
            message.success('已不予受理');
            setOpen(false);
            onDone();
          } catch (e) {
            message.error(firstMessage(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Typography.Paragraph type="secondary">农户查询进度时只会看到“经核实未纳入”，不会看到原因；原因记入审计日志。</Typography.Paragraph>
        <Form form={form} layout="vertical" name="reject" preserve={false}>
          <Form.Item name="reason" label="原因" rules={[{ required: true, whitespace: true, message: '请说明不予受理的原因' }]}>
            <Input.TextArea rows={3} maxLength={500} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function ReportDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  const qc = useQueryClient();
  const [reveal, setReveal] = useState(false);
  const q = useSelfReport(id, reveal);
  const r = q.data;
  const refresh = () => {
    setReveal(false);
    void qc.invalidateQueries({ queryKey: ['self-reports'] });
  };
  return (
    <Drawer
      title={r ? `农户申报：${r.headName}` : '农户申报'}
      size={720}
      open={id !== null}
      onClose={() => { setReveal(false); onClose(); }}
      destroyOnHidden
      extra={r?.canRevealSensitive && !r.sensitiveRevealed && <Button icon={<EyeOutlined />} onClick={() => setReveal(true)}>显示完整信息</Button>}
    >
      {q.error && <ErrorResult error={q.error} onRetry={() => q.refetch()} />}
      {r && (
        <div data-testid="self-report-detail">
          <Descriptions column={1} size="small" bordered style={{ marginBottom: 16 }}>
            <Descriptions.Item label="状态"><Tag color={REPORT_STATE_COLOR[r.state]}>{r.stateName}</Tag></Descriptions.Item>
            <Descriptions.Item label="农户查询时看到">{r.publicStatus.statusName}</Descriptions.Item>
            <Descriptions.Item label="申报编号"><span className="jb-mono">{r.refCode}</span></Descriptions.Item>
            <Descriptions.Item label="申报日期">{r.reportedOn}（{r.sourceName}）</Descriptions.Item>
            <Descriptions.Item label="户主">{r.headName}</Descriptions.Item>
            <Descriptions.Item label="户主身份证号"><span className="jb-mono">{r.headIdNumber}</span></Descriptions.Item>
            <Descriptions.Item label="联系电话">{r.phone ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="所在村">{r.regionName}</Descriptions.Item>
            <Descriptions.Item label="困难类型">{r.difficultyNames.map((n) => <Tag key={n}>{n}</Tag>)}</Descriptions.Item>
            <Descriptions.Item label="困难情况说明">{r.description ?? '—'}</Descriptions.Item>
            {r.sensitiveRevealed && <Descriptions.Item label="提交地址（IP）">{r.ip ?? '—'}</Descriptions.Item>}
            {r.rejectReason && <Descriptions.Item label="不予受理原因">{r.rejectReason}</Descriptions.Item>}
            {r.caseId && <Descriptions.Item label="识别案件"><Link to={`/cases/${r.caseId}`}>案件 {r.caseId}</Link></Descriptions.Item>}
            {r.taskId && <Descriptions.Item label="核实任务"><Link to={`/verification-tasks/${r.taskId}`}>核实任务 {r.taskId}</Link></Descriptions.Item>}
          </Descriptions>

          <Typography.Title level={5}>家庭成员承诺授权书（{r.consents.length} 人已签署）</Typography.Title>
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            style={{ marginBottom: 16 }}
            dataSource={r.consents}
            locale={{ emptyText: <Empty description="尚无成员通过申报页面签署" /> }}
            columns={[
              { title: '姓名', dataIndex: 'name', width: 90 },
              { title: '身份证号', dataIndex: 'idNumber', render: (v) => <span className="jb-mono">{v}</span> },
              { title: '签署时间', dataIndex: 'signedAt', width: 140, render: time },
              ...(r.sensitiveRevealed ? [{ title: 'IP', dataIndex: 'ip', width: 120 }] : []),
              { title: '案件', dataIndex: 'onCase', width: 90, render: (v: boolean) => (v ? <Tag color="green">已附入</Tag> : <Tag>待匹配</Tag>) },
            ]}
          />

          {r.canHandle && (
            <>
              <Typography.Title level={5}>处理</Typography.Title>
              <OpenCase r={r} onDone={refresh} />
              <div style={{ marginTop: 16 }}>
                <RejectButton r={r} onDone={refresh} />
              </div>
            </>
          )}
        </div>
      )}
    </Drawer>
  );
}

/**
 * 农户申报 (WRN-5): the reports households made on the public page for the user's region —
 * those nobody could match to a registered household first. The village registers the household
 * and starts the identification (lead date = the report date), or does not accept the report.
 */
export default function SelfReportListPage() {
  const [filters, setFilters] = useState<Filters>({});
  const [paging, setPaging] = useState<Paging>({ page: 1, pageSize: 20 });
  const [openId, setOpenId] = useState<number | null>(null);
  const q = useSelfReports({ ...filters, ...paging });
  return (
    <>
      <ScopedListPage<Filters, ReportItem>
        title="农户申报"
        notice="农户通过公开申报页面（/report）提交的申报。申报人已登记的，系统已自动启动识别（或为监测对象生成核实任务）；未匹配到登记农户的为“待处理”：请入户核实、登记该户后启动识别，线索日期为申报日期（Q42）。农户凭申报编号只能看到办理进度。"
        initialFilters={filters}
        onFilters={setFilters}
        filterItems={
          <Form.Item name="state" label="状态">
            <Select allowClear placeholder="全部" style={{ width: 220 }} options={Object.entries(REPORT_STATE_NAMES).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
        }
        query={q}
        columns={columns(setOpenId)}
        emptyText="没有符合条件的农户申报"
        scrollX={1200}
        unit="条"
        paging={paging}
        onPaging={setPaging}
      />
      <ReportDrawer id={openId} onClose={() => setOpenId(null)} />
    </>
  );
}
