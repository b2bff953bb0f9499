import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Space, Switch, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { api } from '../api.ts';
import {
  CLAIM_STATUS, CLAIM_STATUS_COLOR, CLAIM_TYPE, COMPLIANT_EXPENSE_TYPES, EXPENSE_TYPE, FALLBACK_BASIS, INCOME_TYPE, label, RECORD_KIND,
  RISK_TYPE, yuan,
} from '../labels.ts';
import type { AnyRecord, ExpenseRecord, HouseholdDetail, HouseholdRecords, IncomeRecord, RecordKind, RiskRecord } from '../types.ts';
import { ASSESSMENT_QUERY, monthsBetween } from './AssessmentSection.tsx';
import { ErrorResult } from './ErrorResult.tsx';
import { FallbackModal, RecordModal, VoidModal } from './RecordModals.tsx';

const KINDS: RecordKind[] = ['incomes', 'claims', 'expenses', 'risks'];

export const recordsQueryKey = (householdId: number) => ['household-records', householdId];

const money = (v: number, r: AnyRecord) => <Typography.Text delete={r.voided}>{yuan(v)}</Typography.Text>;

function columnsOf(kind: RecordKind, memberName: (id: number | null) => string): TableColumnsType<any> {
  const amount = { title: '金额（元）', dataIndex: 'amount', width: 130, align: 'right' as const, render: money };
  const month = { title: '月份', dataIndex: 'month', width: 100 };
  if (kind === 'incomes')
    return [
      {
        title: '收入类型', dataIndex: 'type', width: 190,
        render: (v: string) => (v === 'business_cost' ? <Tag color="orange">{label(INCOME_TYPE, v)}</Tag> : label(INCOME_TYPE, v)),
      },
      { title: '家庭成员', dataIndex: 'memberId', width: 110, render: memberName },
      amount,
      { title: '期间', key: 'range', width: 210, render: (_: unknown, r: IncomeRecord) => `${r.from} 至 ${r.to}（${monthsBetween(r.from, r.to)}个月）` },
    ];
  if (kind === 'claims')
    return [
      { title: '理赔类型', dataIndex: 'type', width: 140, render: (v: string) => label(CLAIM_TYPE, v) },
      amount,
      month,
      { title: '到位情况', dataIndex: 'status', width: 140, render: (v: string) => <Tag color={CLAIM_STATUS_COLOR[v]}>{label(CLAIM_STATUS, v)}</Tag> },
    ];
  if (kind === 'expenses')
    return [
      { title: '支出类型', dataIndex: 'type', width: 220, render: (v: string) => label(EXPENSE_TYPE, v) },
      {
        title: '合规自付支出', key: 'compliant', width: 120,
        render: (_: unknown, r: ExpenseRecord) => (COMPLIANT_EXPENSE_TYPES.includes(r.type) ? <Tag color="blue">计入</Tag> : <Tag>不计入</Tag>),
      },
      amount,
      month,
    ];
  return [
    { title: '风险类型', dataIndex: 'type', width: 140, render: (v: string) => label(RISK_TYPE, v) },
    {
      title: '能否自行解决', dataIndex: 'selfResolvable', width: 150,
      render: (v: boolean) => (v ? <Tag>可依靠自身力量解决</Tag> : <Tag color="red">难以自行解决</Tag>),
    },
    { title: '收入大幅缩减', dataIndex: 'incomeDrop', width: 110, render: (v: boolean) => (v ? <Tag color="orange">是</Tag> : '否') },
    { title: '发现日期', dataIndex: 'foundOn', width: 110, render: (v: string | null) => v ?? '—' },
    {
      title: '状态', key: 'state', width: 160,
      render: (_: unknown, r: RiskRecord) => (r.resolved ? <Tag color="green">已解决{r.resolvedOn ? `（${r.resolvedOn}）` : ''}</Tag> : <Tag color="red">未解决</Tag>),
    },
  ];
}

/**
 * 收支与风险: the income, claim, expenditure and risk records the assessment reads (INC-1…3,
 * IDN-3) and the household's fallback flag (Q35). Voided records stay, greyed, with their reason.
 */
export function RecordsSection({ household }: { household: HouseholdDetail }) {
  const h = household;
  const qc = useQueryClient();
  const q = useQuery({ queryKey: recordsQueryKey(h.id), queryFn: () => api.get<HouseholdRecords>(`/households/${h.id}/records`) });
  const [tab, setTab] = useState<RecordKind>('incomes');
  const [showVoided, setShowVoided] = useState(false);
  // The record being added (record null), edited or voided; kept while the modal closes.
  const [action, setAction] = useState<{ mode: 'edit' | 'void' | null; kind: RecordKind; record: AnyRecord | null }>({
    mode: null, kind: 'incomes', record: null,
  });
  const [fallbackOpen, setFallbackOpen] = useState(false);

  const changed = () => {
    void qc.invalidateQueries({ queryKey: recordsQueryKey(h.id) });
    void qc.invalidateQueries({ queryKey: [ASSESSMENT_QUERY, h.id] });
  };
  const householdChanged = () => {
    void qc.invalidateQueries({ queryKey: ['household', String(h.id)] });
    void qc.invalidateQueries({ queryKey: [ASSESSMENT_QUERY, h.id] });
  };
  const memberName = (id: number | null) => (id === null ? '全户' : (h.members.find((m) => m.id === id)?.name ?? `成员${id}（已离户）`));

  const tableOf = (kind: RecordKind) => {
    const all = (q.data?.[kind] ?? []) as AnyRecord[];
    const voidedCount = all.filter((r) => r.voided).length;
    const rows = showVoided ? all : all.filter((r) => !r.voided);
    const columns: TableColumnsType<AnyRecord> = [
      ...columnsOf(kind, memberName),
      {
        title: '备注', dataIndex: 'note', width: 220,
        render: (note: string | null, r) => (
          <Space size={4} wrap>
            {r.voided && <Tag data-testid="voided-tag">已作废：{r.voidReason}</Tag>}
            {note}
          </Space>
        ),
      },
      ...(h.canEdit
        ? [{
            title: '操作', key: 'op', width: 120, fixed: 'right' as const,
            render: (_: unknown, r: AnyRecord) =>
              r.voided ? null : (
                <Space size={0}>
                  <Button type="link" size="small" onClick={() => setAction({ mode: 'edit', kind, record: r })}>修改</Button>
                  <Button type="link" size="small" danger onClick={() => setAction({ mode: 'void', kind, record: r })}>作废</Button>
                </Space>
              ),
          }]
        : []),
    ];
    return (
      <div data-testid={`records-${kind}`}>
        <Space style={{ marginBottom: 12 }} wrap>
          {h.canEdit && (
            <Button icon={<PlusOutlined />} onClick={() => setAction({ mode: 'edit', kind, record: null })}>
              新增{RECORD_KIND[kind]}
            </Button>
          )}
          {voidedCount > 0 && (
            <Space size={6}>
              <Switch size="small" checked={showVoided} onChange={setShowVoided} />
              <span>显示已作废记录（{voidedCount}条）</span>
            </Space>
          )}
        </Space>
        <Table<AnyRecord>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={rows}
          pagination={false}
          loading={q.isFetching}
          scroll={{ x: 900 }}
          onRow={(r) => ({ style: r.voided ? { opacity: 0.5 } : undefined })}
          locale={{ emptyText: `暂无${RECORD_KIND[kind]}记录` }}
        />
      </div>
    );
  };

  const modal = {
    householdId: h.id, kind: action.kind, record: action.record, onSaved: changed,
    onClose: () => setAction((a) => ({ ...a, mode: null })),
  };
  const liveCount = (kind: RecordKind) => (q.data?.[kind] as AnyRecord[] | undefined)?.filter((r) => !r.voided).length ?? 0;

  return (
    <Card title="收支与风险" style={{ marginTop: 16 }} data-testid="records-section">
      <Space style={{ marginBottom: 8 }} wrap>
        <span>整户无劳动能力兜底保障户（Q35）：</span>
        {h.fallbackSince ? (
          <Tag color="purple" data-testid="fallback-flag">
            是，自 {h.fallbackSince}（{label(FALLBACK_BASIS, h.fallbackBasis)}）
          </Tag>
        ) : (
          <Tag data-testid="fallback-flag">否</Tag>
        )}
        {h.canEdit && (
          <Button size="small" icon={<EditOutlined />} onClick={() => setFallbackOpen(true)}>
            修改标识
          </Button>
        )}
      </Space>
      {q.error ? (
        <ErrorResult error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <Tabs
          activeKey={tab}
          onChange={(k) => setTab(k as RecordKind)}
          items={KINDS.map((kind) => ({ key: kind, label: `${RECORD_KIND[kind]}（${liveCount(kind)}）`, children: tableOf(kind) }))}
        />
      )}
      <RecordModal {...modal} members={h.members} open={action.mode === 'edit'} />
      <VoidModal {...modal} open={action.mode === 'void'} />
      <FallbackModal household={h} open={fallbackOpen} onClose={() => setFallbackOpen(false)} onSaved={householdChanged} />
    </Card>
  );
}
