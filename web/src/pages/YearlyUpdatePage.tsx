import { useState } from 'react';
import { Link } from 'react-router-dom';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, InputNumber, Modal, Select, Space, Statistic, Tag, type TableColumnsType } from 'antd';
import { CheckOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { api, ApiError, firstMessage } from '../api.ts';
import { ExportButton } from '../components/ExportButton.tsx';
import { ScopedListPage, type Paging } from '../components/ScopedListPage.tsx';
import { label, MONITORING_STATUS, MONITORING_STATUS_COLOR, options } from '../labels.ts';
import { YEARLY_STATUS, YEARLY_STATUS_COLOR, type YearlyUpdate, type YearlyUpdatePage as Result } from '../member-changes.ts';

interface Filters {
  year: number;
  status?: string;
  regionCode?: string;
}

const THIS_YEAR = new Date().getFullYear();

/**
 * 年度基础信息更新 (REG-6, Q48): each year every monitoring object, including those whose risk
 * was eliminated, gets its basic information checked and updated. The county opens the year's
 * tasks; village, township and county cadres edit the household and its members on the household
 * page (natural member changes there too) and mark the task done here.
 */
export default function YearlyUpdatePage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [filters, setFilters] = useState<Filters>({ year: THIS_YEAR, status: 'pending' });
  const [paging, setPaging] = useState<Paging>({ page: 1, pageSize: 20 });
  const [completing, setCompleting] = useState<YearlyUpdate | null>(null);
  const [opening, setOpening] = useState(false);
  const q = useQuery({
    queryKey: ['yearly-updates', filters, paging],
    queryFn: () => api.get<Result>('/yearly-updates', { ...filters, ...paging }),
    placeholderData: keepPreviousData,
  });
  const reload = () => void qc.invalidateQueries({ queryKey: ['yearly-updates'] });

  async function openYear() {
    setOpening(true);
    try {
      const r = await api.post<{ opened: number; total: number }>('/yearly-updates', { year: filters.year, regionCode: filters.regionCode });
      message.success(`已开启 ${filters.year} 年度更新任务：新增 ${r.opened} 户，共 ${r.total} 户`);
      reload();
    } catch (e) {
      message.error(firstMessage(e));
    } finally {
      setOpening(false);
    }
  }

  const columns: TableColumnsType<YearlyUpdate> = [
    { title: '户主', dataIndex: 'headName', width: 110, render: (v, r) => <Link to={`/households/${r.householdId}`}>{v ?? '（无户主）'}</Link> },
    { title: '所在村', dataIndex: 'regionName', ellipsis: true },
    {
      title: '监测状态', dataIndex: 'monitoringStatus', width: 150,
      render: (v, r) => (
        <Tag color={MONITORING_STATUS_COLOR[v]}>{label(MONITORING_STATUS, v)}{r.eliminatedOn ? `（${r.eliminatedOn}）` : ''}</Tag>
      ),
    },
    { title: '更新状态', dataIndex: 'status', width: 100, render: (v) => <Tag color={YEARLY_STATUS_COLOR[v]}>{label(YEARLY_STATUS, v)}</Tag> },
    { title: '完成日期', dataIndex: 'doneOn', width: 110, render: (v) => v ?? '—' },
    { title: '完成人', dataIndex: 'doneBy', width: 130, render: (v) => v ?? '—' },
    { title: '备注', dataIndex: 'note', ellipsis: true, render: (v) => v ?? '—' },
    {
      title: '操作', key: 'op', width: 200, fixed: 'right',
      render: (_, r) => (
        <Space size={0}>
          <Link to={`/households/${r.householdId}`}>核对信息</Link>
          {q.data?.canComplete && r.status === 'pending' && (
            <Button type="link" size="small" icon={<CheckOutlined />} onClick={() => setCompleting(r)}>
              标记已更新
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <>
      <ScopedListPage<Filters, YearlyUpdate>
        title="年度基础信息更新"
        extra={
          <Space>
            <ExportButton path="/yearly-updates/export.xlsx" filters={{ ...filters }} />
            {q.data?.canOpen && (
              <Button type="primary" icon={<PlayCircleOutlined />} loading={opening} onClick={openYear}>
                开启 {filters.year} 年度更新任务
              </Button>
            )}
          </Space>
        }
        notice="监测对象标注风险消除后基础信息仍须保留，并每年结合脱贫人口年度信息调整进行更新（Q48）。信息在农户详情页修改（成员增减用“人口自然增减”），核对完成后在此标记；记录只保留、不删除。"
        initialFilters={filters}
        onFilters={(f) => setFilters({ ...f, year: f.year || THIS_YEAR })}
        filterItems={
          <>
            <Form.Item name="year" label="年度">
              <InputNumber min={2021} max={THIS_YEAR} precision={0} style={{ width: 100 }} />
            </Form.Item>
            <Form.Item name="status" label="更新状态">
              <Select allowClear placeholder="全部" style={{ width: 120 }} options={options(YEARLY_STATUS)} />
            </Form.Item>
            <Form.Item>
              <Space size="large">
                <Statistic title="待更新" value={q.data?.counts.pending ?? 0} suffix="户" styles={{ content: { fontSize: 18 } }} />
                <Statistic title="已更新" value={q.data?.counts.done ?? 0} suffix="户" styles={{ content: { fontSize: 18 } }} />
              </Space>
            </Form.Item>
          </>
        }
        query={q}
        columns={columns}
        emptyText={q.data?.canOpen ? '本年度尚无任务，可点击右上角开启' : '没有符合条件的更新任务'}
        scrollX={1000}
        unit="户"
        paging={paging}
        onPaging={setPaging}
      />
      {completing && <CompleteModal task={completing} onClose={() => setCompleting(null)} onSaved={reload} />}
    </>
  );
}

function CompleteModal({ task, onClose, onSaved }: { task: YearlyUpdate; onClose: () => void; onSaved: () => void }) {
  const { message } = App.useApp();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit() {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/households/${task.householdId}/yearly-updates/${task.year}/done`, { version: task.version, note: note.trim() || null });
      message.success('已标记为已更新');
      onSaved();
      onClose();
    } catch (e) {
      setError(e instanceof ApiError && e.status === 409 ? '记录已被他人修改，请刷新后重试' : firstMessage(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal title={`标记 ${task.year} 年度信息已更新：${task.headName ?? ''}户`} open onCancel={onClose} onOk={submit} okText="确认" okButtonProps={{ loading: busy }}>
      <p>请先在农户详情页核对并更新家庭和成员信息（含人口自然增减），再标记完成。</p>
      {error && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={error} />}
      <Input.TextArea rows={3} maxLength={500} placeholder="备注（可选），如：已入户核实家庭成员、收入与“三保障”情况" value={note} onChange={(e) => setNote(e.target.value)} />
    </Modal>
  );
}
