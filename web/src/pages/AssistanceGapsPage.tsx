import { useState } from 'react';
import { Link } from 'react-router-dom';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Badge, Card, Space, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { api, firstMessage } from '../api.ts';
import { GAP_KIND, type MeasureListItem } from '../assistance.ts';
import { ExportButton } from '../components/ExportButton.tsx';
import { RegionCascader } from '../components/RegionCascader.tsx';
import { label, MONITORING_CATEGORY } from '../labels.ts';
import type { Page } from '../types.ts';
import { measureColumns } from './MeasuresPage.tsx';

interface GapItem {
  householdId: number;
  regionCode: string;
  regionName: string | null;
  headName: string | null;
  monitoringCategory: string | null;
  identifiedOn: string | null;
  fullLaborMembers: number;
  developmentDeclinedReason: string | null;
  measures: string[];
}
interface GapList extends Page<GapItem> {
  kind: string;
  name: string;
  clause: string;
  counts: Record<string, number>;
}
interface DepartmentRow {
  departmentKind: string | null;
  departmentName: string;
  total: number;
  planned: number;
  implementing: number;
  implemented: number;
  ended: number;
  suspended: number;
  overdueNotStarted: number;
  overdueNotEnded: number;
}
interface OverdueList extends Page<MeasureListItem> {
  today: string;
  byDepartment: DepartmentRow[];
}

const GAP_KINDS = ['no_measure', 'no_developmental', 'fallback_only'];

const gapColumns: TableColumnsType<GapItem> = [
  { title: '户主', dataIndex: 'headName', width: 110, render: (v, r) => <Link to={`/households/${r.householdId}`}>{v ?? '（无户主）'}</Link> },
  { title: '所在村', dataIndex: 'regionName', width: 160, ellipsis: true },
  { title: '监测类别', dataIndex: 'monitoringCategory', width: 130, render: (v) => label(MONITORING_CATEGORY, v) },
  { title: '识别日期', dataIndex: 'identifiedOn', width: 110, render: (v) => v ?? '—' },
  { title: '有劳动能力人数', dataIndex: 'fullLaborMembers', width: 120, align: 'right' },
  { title: '现有措施', dataIndex: 'measures', render: (v: string[]) => (v.length ? v.map((m, i) => <Tag key={i}>{m}</Tag>) : <Tag color="red">无</Tag>) },
  { title: '无发展意愿说明', dataIndex: 'developmentDeclinedReason', ellipsis: true, render: (v) => v ?? '—' },
];

const num = (v: number, danger = false) => (v && danger ? <Typography.Text type="danger" strong>{v}</Typography.Text> : v);
const departmentColumns: TableColumnsType<DepartmentRow> = [
  { title: '责任部门', dataIndex: 'departmentName', width: 160 },
  { title: '措施总数', dataIndex: 'total', align: 'right' },
  { title: '计划', dataIndex: 'planned', align: 'right' },
  { title: '实施中', dataIndex: 'implementing', align: 'right' },
  { title: '已实施', dataIndex: 'implemented', align: 'right' },
  { title: '已结束', dataIndex: 'ended', align: 'right' },
  { title: '已暂停', dataIndex: 'suspended', align: 'right' },
  { title: '逾期未实施', dataIndex: 'overdueNotStarted', align: 'right', render: (v) => num(v, true) },
  { title: '期满未结束', dataIndex: 'overdueNotEnded', align: 'right', render: (v) => num(v, true) },
];

/**
 * Supervision of assistance (AST-1, AST-3, AST-5, IDN-7): monitored households without a
 * measure (Q23), labour-capable ones without a development-type measure (Q24) or with fallback
 * only (Q8), and each department's implementation with the overdue measures (Q27).
 */
export default function AssistanceGapsPage() {
  const [regionCode, setRegionCode] = useState<string | undefined>();
  const [tab, setTab] = useState('no_measure');
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const isGap = GAP_KINDS.includes(tab);

  const gaps = useQuery({
    queryKey: ['assistance-gaps', tab, regionCode, page],
    queryFn: () => api.get<GapList>('/supervision/assistance-gaps', { kind: tab, regionCode, ...page }),
    enabled: isGap,
    placeholderData: keepPreviousData,
  });
  const counts = useQuery({
    queryKey: ['assistance-gaps', 'counts', regionCode],
    queryFn: () => api.get<GapList>('/supervision/assistance-gaps', { kind: 'no_measure', regionCode, pageSize: 1 }),
  });
  const overdue = useQuery({
    queryKey: ['overdue-measures', regionCode, page],
    queryFn: () => api.get<OverdueList>('/supervision/overdue-measures', { regionCode, ...page }),
    enabled: !isGap,
    placeholderData: keepPreviousData,
  });
  const error = (isGap ? gaps.error : overdue.error) ?? counts.error;
  const pagination = (total = 0) => ({
    current: page.page,
    pageSize: page.pageSize,
    total,
    showTotal: (n: number) => `共 ${n} 项`,
    onChange: (p: number, s: number) => setPage({ page: p, pageSize: s }),
  });

  const tabs = [
    ...GAP_KINDS.map((k) => ({
      key: k,
      label: (
        <Space size={6}>
          {GAP_KIND[k]}
          <Badge count={counts.data?.counts[k] ?? 0} showZero color={counts.data?.counts[k] ? 'red' : 'green'} overflowCount={9999} />
        </Space>
      ),
      children: (
        <Table<GapItem>
          rowKey="householdId"
          size="middle"
          loading={gaps.isFetching}
          columns={gapColumns}
          dataSource={gaps.data?.kind === k ? gaps.data.items : []}
          pagination={pagination(gaps.data?.total)}
          scroll={{ x: 1000 }}
        />
      ),
    })),
    {
      key: 'overdue',
      label: '各部门落实与逾期（Q27）',
      children: (
        <>
          <Typography.Paragraph type="secondary">截至 {overdue.data?.today ?? '今天'}：计划开始日期已过仍未实施，或期限已过仍未结束的措施。</Typography.Paragraph>
          <Table<DepartmentRow>
            rowKey={(r) => r.departmentKind ?? 'none'}
            size="small"
            columns={departmentColumns}
            dataSource={overdue.data?.byDepartment ?? []}
            pagination={false}
            style={{ marginBottom: 16 }}
          />
          <Table<MeasureListItem>
            rowKey="id"
            size="middle"
            loading={overdue.isFetching}
            columns={measureColumns()}
            dataSource={overdue.data?.items ?? []}
            pagination={pagination(overdue.data?.total)}
            scroll={{ x: 1300 }}
          />
        </>
      ),
    },
  ];

  return (
    <>
      <div className="jb-page-title">
        <h2>帮扶监管</h2>
        <Space>
          <ExportButton
            path={isGap ? '/supervision/assistance-gaps/export.xlsx' : '/supervision/overdue-measures/export.xlsx'}
            filters={isGap ? { kind: tab, regionCode } : { regionCode }}
          />
          <RegionCascader
            style={{ width: 240 }}
            placeholder="本辖区全部"
            value={regionCode}
            onChange={(v) => {
              setRegionCode(v);
              setPage((p) => ({ ...p, page: 1 }));
            }}
          />
        </Space>
      </div>
      {error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={firstMessage(error)} />}
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(k) => {
            setTab(k);
            setPage((p) => ({ ...p, page: 1 }));
          }}
          items={tabs}
        />
      </Card>
    </>
  );
}
