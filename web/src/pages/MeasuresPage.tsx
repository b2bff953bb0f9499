import { useState } from 'react';
import { Link } from 'react-router-dom';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Select, Space, Switch, Table, Tag, type TableColumnsType } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { api, firstMessage } from '../api.ts';
import { actionLabel, MEASURE_STATUS, MEASURE_STATUS_COLOR, OVERDUE, useCatalogue, type MeasureListItem } from '../assistance.ts';
import { useMe } from '../auth.ts';
import { MeasureStatusModal } from '../components/AssistanceModals.tsx';
import { ExportButton } from '../components/ExportButton.tsx';
import { RegionCascader } from '../components/RegionCascader.tsx';
import { DEPARTMENT_KIND, label, options } from '../labels.ts';
import type { Page } from '../types.ts';

interface Filters {
  regionCode?: string;
  departmentKind?: string;
  status?: string;
  type?: string;
  overdue?: boolean;
}

/** Overdue tags of a measure (AST-5, Q27). */
export const overdueTags = (m: MeasureListItem) => (m.overdue.length ? m.overdue.map((o) => <Tag key={o} color="red">{OVERDUE[o]}</Tag>) : '—');

/** Measure columns shared by the department list and the overdue list. */
export function measureColumns(onChange?: (m: MeasureListItem, to: string) => void): TableColumnsType<MeasureListItem> {
  return [
    { title: '户主', dataIndex: 'headName', width: 100, fixed: 'left', render: (v, m) => <Link to={`/households/${m.householdId}`}>{v ?? '（无户主）'}</Link> },
    { title: '所在村', dataIndex: 'regionName', width: 140, ellipsis: true },
    { title: '措施类型', dataIndex: 'typeName', width: 150, render: (v, m) => <Space size={4} wrap>{v}{m.developmental && <Tag color="green">开发式</Tag>}</Space> },
    { title: '状态', dataIndex: 'status', width: 90, render: (v) => <Tag color={MEASURE_STATUS_COLOR[v]}>{label(MEASURE_STATUS, v)}</Tag> },
    { title: '逾期', key: 'overdue', width: 120, render: (_, m) => overdueTags(m) },
    { title: '责任部门', dataIndex: 'departmentName', width: 130 },
    { title: '计划开始', dataIndex: 'plannedStart', width: 110 },
    { title: '期限', dataIndex: 'periodEnd', width: 110, render: (v) => v ?? '—' },
    { title: '措施内容', dataIndex: 'description', ellipsis: true, width: 240 },
    ...(onChange
      ? [{
          title: '操作', key: 'op', width: 160, fixed: 'right' as const,
          render: (_: unknown, m: MeasureListItem) => (
            <Space size={0} wrap>
              {m.nextStatuses.map((to) => (
                <Button key={to} type="link" size="small" danger={to === 'suspended'} onClick={() => onChange(m, to)}>
                  {actionLabel(m.status, to)}
                </Button>
              ))}
            </Space>
          ),
        }]
      : []),
  ];
}

/**
 * The measures of the user's region (AST-4, AST-5). A line department sees and updates only the
 * measures it is responsible for; the county can narrow by department, status, type and overdue.
 */
export default function MeasuresPage() {
  const me = useMe().data!;
  const qc = useQueryClient();
  const catalogue = useCatalogue().data;
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const [change, setChange] = useState<{ measure: MeasureListItem; to: string } | null>(null);
  const isDepartment = me.role === 'department';

  const listFilters = { ...filters, overdue: filters.overdue ? 'true' : undefined };
  const q = useQuery({
    queryKey: ['measures', filters, page],
    queryFn: () => api.get<Page<MeasureListItem>>('/measures', { ...listFilters, ...page }),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <div className="jb-page-title">
        <h2>{isDepartment ? `帮扶措施（${me.departmentKindName ?? '本部门'}负责）` : '帮扶措施'}</h2>
        <ExportButton path="/measures/export.xlsx" filters={listFilters} />
      </div>
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form<Filters>
          layout="inline"
          style={{ rowGap: 16 }}
          onFinish={(v) => {
            setFilters(v);
            setPage((p) => ({ ...p, page: 1 }));
          }}
        >
          <Form.Item name="regionCode" label="区划">
            <RegionCascader style={{ width: 200 }} placeholder="本辖区全部" />
          </Form.Item>
          {!isDepartment && (
            <Form.Item name="departmentKind" label="责任部门">
              <Select allowClear placeholder="全部" style={{ width: 150 }} options={[{ value: 'none', label: '乡村振兴部门/乡镇' }, ...options(DEPARTMENT_KIND)]} />
            </Form.Item>
          )}
          <Form.Item name="type" label="措施类型">
            <Select allowClear placeholder="全部" style={{ width: 170 }} options={(catalogue?.types ?? []).map((e) => ({ value: e.type, label: e.name }))} />
          </Form.Item>
          <Form.Item name="status" label="状态">
            <Select allowClear placeholder="全部" style={{ width: 110 }} options={options(MEASURE_STATUS)} />
          </Form.Item>
          <Form.Item name="overdue" label="仅逾期" valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
              查询
            </Button>
          </Form.Item>
        </Form>
      </Card>
      {q.error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={firstMessage(q.error)} />}
      <Card styles={{ body: { padding: 0 } }}>
        <Table<MeasureListItem>
          rowKey="id"
          size="middle"
          loading={q.isFetching}
          columns={measureColumns((measure, to) => setChange({ measure, to }))}
          dataSource={q.data?.items ?? []}
          scroll={{ x: 1400 }}
          pagination={{
            current: page.page,
            pageSize: page.pageSize,
            total: q.data?.total ?? 0,
            showTotal: (n) => `共 ${n} 项`,
            onChange: (p, s) => setPage({ page: p, pageSize: s }),
          }}
        />
      </Card>
      <MeasureStatusModal change={change} onClose={() => setChange(null)} onSaved={() => void qc.invalidateQueries({ queryKey: ['measures'] })} />
    </>
  );
}
