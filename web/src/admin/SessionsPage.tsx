import { useState } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { api, firstMessage } from '../api.ts';
import { fmtTime } from '../pages/AuditPage.tsx';
import { ReasonModal } from './ReasonModal.tsx';
import type { SessionView } from '../../../src/app/security/list-sessions.ts';

/** 在线用户 (security admin, SEC-8): who is signed in, from where, last activity; force logout with a reason. */
export default function SessionsPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [paging, setPaging] = useState({ page: 1, pageSize: 50 });
  const [target, setTarget] = useState<SessionView | null>(null);
  const q = useQuery({
    queryKey: ['sessions', paging],
    queryFn: () => api.get<{ items: SessionView[]; total: number }>('/security/sessions', paging),
    placeholderData: keepPreviousData,
  });

  const columns: TableColumnsType<SessionView> = [
    { title: '用户', key: 'user', width: 200, render: (_, r) => <><div>{r.displayName}</div><Typography.Text type="secondary" className="jb-mono">{r.username}</Typography.Text></> },
    { title: '角色', dataIndex: 'roleName', width: 160 },
    { title: '所属区划', dataIndex: 'regionName', width: 160 },
    { title: 'IP 地址', dataIndex: 'ip', width: 140, render: (v) => v ?? '—' },
    {
      title: '浏览器', dataIndex: 'userAgent', width: 220, ellipsis: { showTitle: false },
      render: (v) => (v ? <Tooltip title={v}>{v}</Tooltip> : '—'),
    },
    { title: '登录时间', dataIndex: 'signedInAt', width: 170, render: fmtTime },
    { title: '最近活动', dataIndex: 'lastActiveAt', width: 170, render: fmtTime },
    {
      title: '状态', key: 'state', width: 150,
      render: (_, r) => (r.own ? <Tag color="blue">本人当前会话</Tag> : r.secondFactorPending ? <Tag color="cyan">待输入动态口令</Tag> : <Tag color="green">在线</Tag>),
    },
    {
      title: '操作', key: 'op', width: 110, fixed: 'right',
      render: (_, r) => (r.own ? '—' : <Button type="link" size="small" danger onClick={() => setTarget(r)}>强制下线</Button>),
    },
  ];

  return (
    <>
      <div className="jb-page-title">
        <h2>在线用户</h2>
        <Button icon={<ReloadOutlined />} onClick={() => q.refetch()}>刷新</Button>
      </div>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title="列出本辖区内未超时的会话。强制下线后，该浏览器的下一次操作将回到登录页；原因记入审计日志和登录日志。" />
      {q.error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={firstMessage(q.error)} />}
      <Card styles={{ body: { padding: 0 } }}>
        <Table<SessionView>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={q.data?.items ?? []}
          loading={q.isFetching}
          scroll={{ x: 1480 }}
          locale={{ emptyText: <Empty description="当前没有在线用户" /> }}
          pagination={{
            current: paging.page, pageSize: paging.pageSize, total: q.data?.total ?? 0, showSizeChanger: true,
            showTotal: (t) => `共 ${t} 个会话`, onChange: (page, pageSize) => setPaging({ page: pageSize !== paging.pageSize ? 1 : page, pageSize }),
            style: { paddingInline: 16 },
          }}
        />
      </Card>
      {target && (
        <ReasonModal
          title={`强制下线：${target.displayName}（${target.username}）`}
          okText="强制下线"
          danger
          open
          onClose={() => setTarget(null)}
          description={<Space orientation="vertical" style={{ marginBottom: 16 }}><span>IP {target.ip ?? '—'}，登录于 {fmtTime(target.signedInAt)}</span></Space>}
          onSubmit={async (v) => {
            await api.post(`/security/sessions/${target.id}/end`, v);
            setTarget(null);
            message.success('已强制下线');
            await qc.invalidateQueries({ queryKey: ['sessions'] });
          }}
        />
      )}
    </>
  );
}
