import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { ReloadOutlined, SendOutlined } from '@ant-design/icons';
import { api, firstMessage } from '../api.ts';
import { useMe } from '../auth.ts';
import { label, options } from '../labels.ts';
import { fmtTime } from '../imports/imports.ts';
import { MESSAGE_CHANNEL, MESSAGE_STATUS, MESSAGE_STATUS_COLOR, SENDING_ROLES, useMessages, type DispatchResult, type MessageItem } from './intake.ts';

const columns: TableColumnsType<MessageItem> = [
  { title: '生成时间', dataIndex: 'createdAt', width: 160, render: (v: string) => fmtTime(v) },
  { title: '状态', dataIndex: 'status', width: 200, render: (v, m) => <Tag color={MESSAGE_STATUS_COLOR[v]}>{m.statusName}</Tag> },
  { title: '方式', dataIndex: 'channel', width: 90, render: (v) => label(MESSAGE_CHANNEL, v) },
  { title: '接收号码', dataIndex: 'recipient', width: 130, render: (v) => (v ? <span className="jb-mono">{v}</span> : '—') },
  { title: '内容', dataIndex: 'content', ellipsis: true },
  {
    title: '事项', key: 'about', width: 160,
    render: (_, m) => (
      <Space size={8} wrap>
        {m.caseId && <Link to={`/cases/${m.caseId}`}>案件</Link>}
        {m.householdId && <Link to={`/households/${m.householdId}`}>农户</Link>}
        {m.ticketId && <Link to={`/hotline/${m.ticketId}`}>12317工单</Link>}
        {!m.caseId && !m.householdId && !m.ticketId && '—'}
      </Space>
    ),
  },
  { title: '所在区划', dataIndex: 'regionName', width: 150, ellipsis: true, render: (v, m) => v ?? m.regionCode },
  { title: '尝试', dataIndex: 'attempts', width: 60, align: 'right' },
  { title: '发送时间', dataIndex: 'sentAt', width: 160, render: (v: string | null) => (v ? fmtTime(v) : '—') },
];

/**
 * 告知消息 (GRN-3, Q29): what the system tells households — each green-channel step and each
 * 12317 reply queues a message; the sender delivers the queue, and a message without a phone
 * number says the household must be told in person. The county and above may send now.
 */
export default function MessagesPage() {
  const me = useMe().data!;
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [status, setStatus] = useState<string | undefined>();
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const q = useMessages({ status, ...paging });
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<DispatchResult | null>(null);
  const canSend = SENDING_ROLES.includes(me.role);

  async function dispatch() {
    setSending(true);
    try {
      const r = await api.post<DispatchResult>('/household-messages/dispatch');
      setSent(r);
      void qc.invalidateQueries({ queryKey: ['household-messages'] });
    } catch (e) {
      message.error(firstMessage(e));
    } finally {
      setSending(false);
    }
  }

  return (
    <>
      <div className="jb-page-title">
        <h2>告知消息</h2>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>刷新</Button>
          {canSend && (
            <Button type="primary" icon={<SendOutlined />} loading={sending} onClick={() => void dispatch()}>
              立即发送
            </Button>
          )}
        </Space>
      </div>
      {sent && (
        <Alert
          data-testid="dispatch-result"
          type={sent.failed ? 'warning' : 'success'}
          showIcon
          closable
          onClose={() => setSent(null)}
          style={{ marginBottom: 16 }}
          title={sent.claimed ? `本次发送 ${sent.claimed} 条：成功 ${sent.sent} 条，失败 ${sent.failed} 条（失败的将在下次发送时重试，最多3次）` : '没有待发送的消息'}
          description={sent.sender === 'log-only' ? '未配置短信网关：消息已写入服务器日志，未实际发送到手机。' : undefined}
        />
      )}
      <Card styles={{ body: { padding: 0 } }}>
        <Space wrap style={{ padding: 16 }}>
          <Select
            id="messages_status"
            allowClear
            placeholder="全部状态"
            style={{ width: 240 }}
            value={status}
            onChange={(v) => {
              setStatus(v);
              setPaging((p) => ({ ...p, page: 1 }));
            }}
            options={options(MESSAGE_STATUS)}
          />
          <Typography.Text type="secondary">号码已脱敏显示；“无号码”的请当面或电话告知并在案件中登记</Typography.Text>
        </Space>
        {q.error && <Alert type="error" showIcon style={{ margin: '0 16px 16px' }} title={`消息加载失败：${firstMessage(q.error)}`} />}
        <Table<MessageItem>
          data-testid="message-list"
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={q.data?.items ?? []}
          loading={q.isFetching}
          scroll={{ x: 1400 }}
          pagination={{
            current: paging.page, pageSize: paging.pageSize, total: q.data?.total ?? 0, showSizeChanger: true, pageSizeOptions: [20, 50, 100],
            showTotal: (t) => `共 ${t} 条`, onChange: (page, pageSize) => setPaging({ page: pageSize !== paging.pageSize ? 1 : page, pageSize }),
            style: { paddingInline: 16 },
          }}
          locale={{ emptyText: <Empty description={status ? '没有该状态的消息' : '暂无告知消息'} /> }}
        />
      </Card>
    </>
  );
}
