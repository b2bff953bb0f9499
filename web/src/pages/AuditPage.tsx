import { useState } from 'react';
import { PrevNextPager } from '../components/PrevNextPager.tsx';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Select, Space, Table, Typography, type TableColumnsType } from 'antd';
import { api, firstMessage } from '../api.ts';
import { ExportButton } from '../components/ExportButton.tsx';
import { AUDIT_ACTION, label, OBJECT_TYPE, options, ROLE } from '../labels.ts';

interface AuditRow {
  seq: number;
  at: string;
  actor_name: string;
  actor_role: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  county_code: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  hash: string;
}

const PAGE_SIZE = 50;
export const fmtTime = (v: string) => new Date(v).toLocaleString('zh-CN', { hour12: false });

/** 审计日志 (audit admin, read only): who, when, what, before/after, why (SEC-2). */
export default function AuditPage() {
  const [filters, setFilters] = useState<{ action?: string; objectType?: string; objectId?: string }>({});
  const [page, setPage] = useState(1);
  const q = useQuery({
    queryKey: ['audit', filters, page],
    queryFn: () => api.get<AuditRow[]>('/audit', { ...filters, page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });

  const columns: TableColumnsType<AuditRow> = [
    { title: '序号', dataIndex: 'seq', width: 80 },
    { title: '时间', dataIndex: 'at', width: 170, render: fmtTime },
    { title: '操作人', dataIndex: 'actor_name', width: 140 },
    { title: '角色', dataIndex: 'actor_role', width: 150, render: (v) => label(ROLE, v) },
    { title: '操作', dataIndex: 'action', width: 130, render: (v) => label(AUDIT_ACTION, v) },
    { title: '对象', key: 'object', width: 140, render: (_, r) => `${label(OBJECT_TYPE, r.object_type)} ${r.object_id ?? ''}` },
    { title: '原因', dataIndex: 'reason', render: (v) => v ?? '—' },
  ];

  return (
    <>
      <div className="jb-page-title">
        <h2>审计日志</h2>
        <Space>
          <Typography.Text type="secondary">只读；日志为哈希链，可用 jianbang audit verify 校验</Typography.Text>
          <ExportButton path="/audit/export.xlsx" filters={filters} />
        </Space>
      </div>
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form layout="inline" onFinish={(v) => { setFilters(Object.fromEntries(Object.entries(v).filter(([, x]) => x))); setPage(1); }} style={{ rowGap: 16 }}>
          <Form.Item name="action" label="操作">
            <Select allowClear placeholder="全部" style={{ width: 160 }} options={options(AUDIT_ACTION)} />
          </Form.Item>
          <Form.Item name="objectType" label="对象类型">
            <Select allowClear placeholder="全部" style={{ width: 120 }} options={options(OBJECT_TYPE)} />
          </Form.Item>
          <Form.Item name="objectId" label="对象编号">
            <Input allowClear style={{ width: 120 }} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">查询</Button>
          </Form.Item>
        </Form>
      </Card>
      {q.error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={firstMessage(q.error)} />}
      <Card styles={{ body: { padding: 0 } }}>
        <Table<AuditRow>
          rowKey="seq"
          size="middle"
          columns={columns}
          dataSource={q.data ?? []}
          loading={q.isFetching}
          pagination={false}
          expandable={{
            rowExpandable: (r) => r.before != null || r.after != null,
            expandedRowRender: (r) => (
              <Space align="start" size="large" style={{ width: '100%' }}>
                {r.before != null && (
                  <div>
                    <b>修改前</b>
                    <pre style={{ maxWidth: 560, overflow: 'auto', fontSize: 12 }}>{JSON.stringify(r.before, null, 2)}</pre>
                  </div>
                )}
                {r.after != null && (
                  <div>
                    <b>修改后</b>
                    <pre style={{ maxWidth: 560, overflow: 'auto', fontSize: 12 }}>{JSON.stringify(r.after, null, 2)}</pre>
                  </div>
                )}
              </Space>
            ),
          }}
        />
        <PrevNextPager page={page} rows={q.data?.length ?? 0} pageSize={PAGE_SIZE} onPage={setPage} />
      </Card>
    </>
  );
}
