import { useState } from 'react';
import { PrevNextPager } from '../components/PrevNextPager.tsx';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Card, Empty, Table, Tag, type TableColumnsType } from 'antd';
import { api, firstMessage } from '../api.ts';
import { ExportButton } from '../components/ExportButton.tsx';
import { label } from '../labels.ts';
import { fmtTime } from '../pages/AuditPage.tsx';
import { LOGIN_OUTCOME, LOGIN_OUTCOME_COLOR } from './labels.ts';

interface LoginRow {
  id: number;
  at: string;
  username: string;
  user_id: number | null;
  ip: string | null;
  outcome: string;
  detail: string | null;
}

const PAGE_SIZE = 50;

/** 登录日志 (security admin, audit admin): sign-ins, failures, lockouts, second factors, timeouts, forced logouts (SEC-4, SEC-8). */
export default function LoginLogPage() {
  const [page, setPage] = useState(1);
  const q = useQuery({
    queryKey: ['login-log', page],
    queryFn: () => api.get<LoginRow[]>('/login-log', { page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const columns: TableColumnsType<LoginRow> = [
    { title: '时间', dataIndex: 'at', width: 180, render: fmtTime },
    { title: '用户名', dataIndex: 'username', width: 160 },
    { title: '结果', dataIndex: 'outcome', width: 140, render: (v) => <Tag color={LOGIN_OUTCOME_COLOR[v]}>{label(LOGIN_OUTCOME, v)}</Tag> },
    { title: 'IP 地址', dataIndex: 'ip', width: 160, render: (v) => v ?? '—' },
    { title: '说明', dataIndex: 'detail', render: (v) => v ?? '—' },
  ];
  return (
    <>
      <div className="jb-page-title">
        <h2>登录日志</h2>
        <ExportButton path="/login-log/export.xlsx" />
      </div>
      {q.error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={firstMessage(q.error)} />}
      <Card styles={{ body: { padding: 0 } }}>
        <Table<LoginRow>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={q.data ?? []}
          loading={q.isFetching}
          pagination={false}
          locale={{ emptyText: <Empty description={page > 1 ? '没有更多记录' : '尚无登录记录'} /> }}
        />
        <PrevNextPager page={page} rows={q.data?.length ?? 0} pageSize={PAGE_SIZE} onPage={setPage} />
      </Card>
    </>
  );
}
