import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Input, Modal, Progress, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { KeyOutlined } from '@ant-design/icons';
import { api, firstMessage, type FieldError } from '../api.ts';
import { submitProblems } from '../forms.ts';
import type { DataKeyStatus as ServerStatus } from '../../../src/app/security/get-data-key-status.ts';

/** What GET /security/data-key answers. */
type DataKeyStatus = Omit<ServerStatus, 'columns'>;

const STATE: Record<string, { text: string; color: string }> = {
  running: { text: '进行中', color: 'processing' },
  done: { text: '已完成', color: 'success' },
  failed: { text: '失败', color: 'error' },
};

const time = (v: string | null) => (v ? new Date(v).toLocaleString('zh-CN', { hour12: false }) : '—');

/**
 * 数据加密密钥 (security admin, SEC-7): which data keys encrypt the ID numbers, phones and bank
 * accounts, and a rotation that re-encrypts everything in the background while the system runs.
 * Self-contained: mount it on the security page.
 */
export default function DataKeyCard() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<FieldError[]>([]);
  const [form] = Form.useForm<{ reason: string }>();
  const q = useQuery({
    queryKey: ['security', 'data-key'],
    queryFn: () => api.get<DataKeyStatus>('/security/data-key'),
    // Poll while a rotation runs, so the progress bar moves.
    refetchInterval: (query) => (query.state.data?.rotation?.state === 'running' ? 1500 : false),
  });
  const s = q.data;
  const running = s?.rotation?.state === 'running';

  async function onRotate(v: { reason: string }) {
    setBusy(true);
    setProblems([]);
    try {
      await api.post('/security/data-key/rotate', { reason: v.reason.trim() });
      setOpen(false);
      form.resetFields();
      message.success('已开始轮换：新数据密钥已启用，正在后台重新加密');
      await qc.invalidateQueries({ queryKey: ['security', 'data-key'] });
    } catch (e) {
      setProblems(submitProblems(form, e));
    } finally {
      setBusy(false);
    }
  }

  const columns: TableColumnsType<DataKeyStatus['keys'][number]> = [
    { title: '密钥编号', dataIndex: 'id', render: (v, k) => <Space><span className="jb-mono">{v}</span>{k.current && <Tag color="blue">当前</Tag>}</Space> },
    { title: '创建时间', dataIndex: 'createdAt', width: 180, render: time },
    { title: '加密的数据项', dataIndex: 'values', width: 140, align: 'right', render: (v: number, k) => (k.current || v > 0 ? v.toLocaleString('zh-CN') : <Typography.Text type="secondary">0（可退役）</Typography.Text>) },
  ];

  const r = s?.rotation;
  const percent = r && r.total > 0 ? Math.min(100, Math.floor((r.done / r.total) * 100)) : r?.state === 'done' ? 100 : 0;

  return (
    <Card
      title={<Space><KeyOutlined />数据加密密钥</Space>}
      extra={<Button onClick={() => { setProblems([]); setOpen(true); }} disabled={!s || running}>轮换密钥</Button>}
      data-testid="data-key-card"
    >
      <Typography.Paragraph type="secondary">
        身份证号、电话号码和银行账号在数据库中以 AES-256-GCM 加密存储，密钥保存在数据库之外的密钥文件中。
        轮换会启用新密钥并在后台分批重新加密全部数据，期间系统照常使用。
      </Typography.Paragraph>
      {q.error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={firstMessage(q.error)} />}
      {s && s.missingKeys.length > 0 && (
        <Alert type="error" showIcon style={{ marginBottom: 16 }}
          title={`有数据使用了密钥文件中没有的密钥：${s.missingKeys.map((k) => `${k.id}（${k.values} 项）`).join('、')}。这些数据无法读取，请恢复对应的密钥文件。`} />
      )}
      {s && s.plaintextValues > 0 && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={`仍有 ${s.plaintextValues} 项数据未加密，将在服务下次启动时加密。`} />
      )}
      {s && !s.keyDir && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title="当前为内存数据库，密钥只在本进程中，重启后数据与密钥一并消失。" />
      )}
      <Table rowKey="id" size="small" columns={columns} dataSource={s?.keys ?? []} loading={q.isPending} pagination={false} locale={{ emptyText: '暂无密钥信息' }} />
      {r && (
        <div style={{ marginTop: 16 }} data-testid="data-key-rotation">
          <Descriptions size="small" column={2} title="最近一次轮换">
            <Descriptions.Item label="状态"><Tag color={STATE[r.state]?.color}>{STATE[r.state]?.text ?? r.state}</Tag></Descriptions.Item>
            <Descriptions.Item label="发起人">{r.startedBy}</Descriptions.Item>
            <Descriptions.Item label="开始时间">{time(r.startedAt)}</Descriptions.Item>
            <Descriptions.Item label="完成时间">{time(r.finishedAt)}</Descriptions.Item>
            <Descriptions.Item label="原因" span={2}>{r.reason}</Descriptions.Item>
          </Descriptions>
          <Progress percent={percent} status={r.state === 'failed' ? 'exception' : r.state === 'running' ? 'active' : 'success'} />
          <Typography.Text type="secondary">已重新加密 {r.done.toLocaleString('zh-CN')} / {r.total.toLocaleString('zh-CN')} 行</Typography.Text>
          {r.error && <Alert type="error" showIcon style={{ marginTop: 8 }} title={`轮换失败：${r.error}`} />}
        </div>
      )}
      <Modal title="轮换数据加密密钥" open={open} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={busy} okText="开始轮换" destroyOnHidden>
        <Alert type="info" showIcon style={{ marginBottom: 16 }}
          title="将启用新密钥并在后台重新加密全部身份证号、电话号码和银行账号；旧密钥保留在密钥文件中，待管理员在服务器上确认后退役。" />
        {problems.filter((p) => !p.path).map((p) => <Alert key={p.message} type="error" showIcon style={{ marginBottom: 16 }} title={p.message} />)}
        <Form form={form} layout="vertical" onFinish={onRotate}>
          <Form.Item name="reason" label="轮换原因（记入审计日志）" rules={[{ required: true, whitespace: true, message: '请填写轮换原因' }]}>
            <Input.TextArea rows={3} maxLength={500} showCount placeholder="例如：年度例行轮换；密钥文件可能外泄" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
