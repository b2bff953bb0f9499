import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Form, Input, Select, Space, Table, Tag, Tooltip, type TableColumnsType } from 'antd';
import { AlertOutlined, AuditOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../api.ts';
import { useMe } from '../auth.ts';
import { HANDLING_ROLES, LEAD_SOURCE, MONITORING_CATEGORY, label } from '../labels.ts';
import type { HouseholdDetail, HouseholdListItem, Page } from '../types.ts';
import {
  caseKey, DUE_STATUS_COLOR, stateColor, useServerToday, WORKBENCH_KEY, type CaseListItem, type CaseView,
} from '../cases.ts';
import { CaseFormModal, toBody } from './CaseStepForms.tsx';
import { ErrorResult } from './ErrorResult.tsx';

/** Sources a cadre records (department warnings and 12317 tickets arrive through their own channels too). */
const CADRE_SOURCES = [
  'cadre_visit', 'self_report_miniprogram', 'self_report_written', 'hotline_12317', 'screening', 'department_warning',
  'dibao_application', 'tekun_application', 'new_risk',
];

/** Lead columns shared by the case list and the household page. */
export const caseColumns: TableColumnsType<CaseListItem> = [
  { title: '案件编号', dataIndex: 'id', width: 80, render: (v) => <Link to={`/cases/${v}`}>#{v}</Link> },
  { title: '类型', dataIndex: 'kindName', width: 100 },
  { title: '线索来源', dataIndex: 'sourceName', width: 140, ellipsis: true },
  { title: '线索日期', dataIndex: 'leadOn', width: 100 },
  {
    title: '状态', dataIndex: 'stateName', width: 160,
    render: (v, r) => (
      <Space size={4} wrap>
        <Tag color={stateColor(r.state, r.outcome)}>{v}</Tag>
        {r.greenChannel && <Tag color="green">绿色通道</Tag>}
      </Space>
    ),
  },
  { title: '监测类别', dataIndex: 'category', width: 110, render: (v) => label(MONITORING_CATEGORY, v) },
  {
    title: '最近期限', dataIndex: 'dueOn', width: 180,
    render: (v, r) => (v ? <Space size={4}>{v}<Tag color={DUE_STATUS_COLOR[r.dueStatus ?? 'open']} data-testid="due-tag">{r.daysLeftText}</Tag></Space> : '—'),
  },
];

/** 登记线索 (PRC-1): household (given or picked), source, lead date (day 0 of the 15 days, Q42) and note. Elimination: 风险消除核查. */
export function LeadModal({ household, kind = 'identification', onClose }: {
  household?: { id: number; name: string };
  kind?: 'identification' | 'elimination';
  onClose: () => void;
}) {
  const today = useServerToday();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const elimination = kind === 'elimination';
  return (
    <CaseFormModal
      title={elimination ? `发起风险消除核查${household ? `：${household.name}户` : ''}` : `登记线索${household ? `：${household.name}户` : ''}`}
      name="lead"
      okText="登记"
      initialValues={{ leadOn: dayjs(today), source: elimination ? undefined : 'cadre_visit' }}
      onClose={onClose}
      submit={async (v) => {
        const body = { ...(toBody(v) as Record<string, unknown>), ...(household ? { householdId: household.id } : {}), ...(elimination ? { kind } : {}) };
        const created = await api.post<CaseView>('/cases', body);
        qc.setQueryData(caseKey(created.id), created);
        for (const key of [WORKBENCH_KEY, ['cases'], ['household-cases']]) void qc.invalidateQueries({ queryKey: key });
        message.success(`已登记，案件编号 ${created.id}`);
        navigate(`/cases/${created.id}`);
      }}
    >
      {!household && (
        <Form.Item name="householdId" label="农户" rules={[{ required: true, message: '请选择农户' }]}>
          <HouseholdPicker />
        </Form.Item>
      )}
      {!elimination && (
        <Form.Item name="source" label="线索来源" rules={[{ required: true, message: '请选择线索来源' }]}>
          <Select options={CADRE_SOURCES.map((s) => ({ value: s, label: LEAD_SOURCE[s] }))} />
        </Form.Item>
      )}
      <Form.Item
        name="leadOn"
        label={elimination ? '核查发起日期' : '线索发现日期'}
        rules={[{ required: true, message: '请选择日期' }]}
        extra={elimination ? undefined : '从发现风险线索之日起，到完成识别认定一般不超过15天（Q42）'}
      >
        <DatePicker style={{ width: '100%' }} disabledDate={(d: Dayjs) => d.isAfter(today, 'day')} />
      </Form.Item>
      <Form.Item name="leadNote" label={elimination ? '核查说明' : '线索情况'}>
        <Input.TextArea rows={3} maxLength={2000} placeholder={elimination ? '如：收入持续稳定，风险已消除' : '如：户主突发重病住院，自付医疗费用较高'} />
      </Form.Item>
      {!elimination && (
        <Form.Item name="sourceRef" label="来源编号" extra="预警单号、12317工单号等（可不填）">
          <Input maxLength={100} />
        </Form.Item>
      )}
    </CaseFormModal>
  );
}

/** Picks a household of the user's region by the head's or a member's name. */
function HouseholdPicker({ id, value, onChange }: { id?: string; value?: number; onChange?: (v: number) => void }) {
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['households', 'picker', q],
    queryFn: () => api.get<Page<HouseholdListItem>>('/households', { q, pageSize: 20 }),
    enabled: q.trim().length > 0,
  });
  return (
    <Select<number>
      id={id}
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      onChange={onChange}
      placeholder="输入户主或成员姓名查找"
      loading={found.isFetching}
      notFoundContent={q ? '未找到本辖区的农户' : '请输入姓名'}
      options={(found.data?.items ?? []).map((h) => ({
        value: h.id,
        label: `${h.headName ?? '（无户主）'} · ${h.regionName}${h.villageGroup ? ` ${h.villageGroup}` : ''} · 户编号${h.id}`,
      }))}
    />
  );
}

/** The household's cases on its page, with 登记线索 (or 发起风险消除核查 for a monitoring object). */
export function CaseSection({ household }: { household: HouseholdDetail }) {
  const h = household;
  const me = useMe().data!;
  const [open, setOpen] = useState(false);
  const q = useQuery({
    queryKey: ['household-cases', h.id],
    queryFn: () => api.get<Page<CaseListItem>>('/cases', { householdId: h.id, pageSize: 50 }),
  });
  const head = h.members.find((m) => m.relation === 'head')?.name ?? `户编号${h.id}`;
  const openCase = q.data?.items.find((c) => !c.outcome);
  const monitored = h.monitoringStatus === 'monitored';
  const canOpen = HANDLING_ROLES.includes(me.role) && h.canEdit && !openCase;
  return (
    <Card
      title="识别与风险消除案件"
      style={{ marginTop: 16 }}
      data-testid="case-section"
      extra={
        canOpen ? (
          <Button type="primary" icon={monitored ? <AuditOutlined /> : <AlertOutlined />} onClick={() => setOpen(true)}>
            {monitored ? '发起风险消除核查' : '登记线索'}
          </Button>
        ) : openCase ? (
          <Tooltip title="本户已有办理中的案件，新线索请在该案件中核实">
            <Link to={`/cases/${openCase.id}`}>办理中的案件 #{openCase.id}</Link>
          </Tooltip>
        ) : null
      }
      styles={{ body: { padding: q.error ? undefined : 0 } }}
    >
      {q.error ? (
        <ErrorResult error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <Table<CaseListItem>
          rowKey="id"
          size="small"
          columns={caseColumns}
          dataSource={q.data?.items ?? []}
          loading={q.isFetching}
          pagination={false}
          scroll={{ x: 1000 }}
          locale={{ emptyText: '本户暂无识别或风险消除案件' }}
        />
      )}
      {open && <LeadModal household={{ id: h.id, name: head }} kind={monitored ? 'elimination' : 'identification'} onClose={() => setOpen(false)} />}
    </Card>
  );
}
