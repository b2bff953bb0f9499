import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Input, Modal, Space, Tag, Typography } from 'antd';
import { api, ApiError, errorPathToName, firstMessage } from '../api.ts';
import { ErrorResult } from '../components/ErrorResult.tsx';
import { PageSpin } from '../App.tsx';
import { ME_KEY, useMe } from './auth.ts';
import { PasswordForm } from './PasswordForm.tsx';
import { RecoveryCodes } from './RecoveryCodes.tsx';
import type { getTwoFactorStatus } from '../../../src/app/auth/get-two-factor-status.ts';

type Status = Awaited<ReturnType<typeof getTwoFactorStatus>>;
const STATUS_KEY = ['auth', 'two-factor'] as const;

/** A modal form that posts to the server; 400 errors land under their fields, others above the form. */
function SecretModal<T extends object>({
  title, open, onClose, onSubmit, children, okText,
}: { title: string; open: boolean; onClose: () => void; onSubmit: (v: T) => Promise<void>; children: React.ReactNode; okText: string }) {
  const [form] = Form.useForm<T>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal title={title} open={open} onCancel={onClose} onOk={() => form.submit()} okText={okText} confirmLoading={busy} destroyOnHidden>
      {error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={error} />}
      <Form<T>
        form={form}
        layout="vertical"
        autoComplete="off"
        onFinish={async (v) => {
          setBusy(true);
          setError(null);
          try {
            await onSubmit(v);
          } catch (e) {
            if (e instanceof ApiError && e.status === 400)
              form.setFields(e.errors.filter((x) => x.path).map((x) => ({ name: errorPathToName(x.path) as any, errors: [x.message] })));
            setError(firstMessage(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        {children}
      </Form>
    </Modal>
  );
}

const CodeItem = () => (
  <Form.Item name="code" label="动态口令" rules={[{ required: true, message: '请输入6位动态口令' }, { pattern: /^\d{6}$/, message: '动态口令为6位数字' }]}>
    <Input inputMode="numeric" maxLength={6} placeholder="身份验证器中的6位数字" />
  </Form.Item>
);

/** 账号安全 (every user): change the password, bind or turn off the authenticator, renew recovery codes. */
export default function AccountSecurityPage() {
  const me = useMe().data!;
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const status = useQuery({ queryKey: STATUS_KEY, queryFn: () => api.get<Status>('/auth/two-factor') });
  const [modal, setModal] = useState<'disable' | 'renew' | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  if (status.isPending) return <PageSpin />;
  if (status.error) return <ErrorResult error={status.error} onRetry={() => status.refetch()} />;
  const s = status.data;
  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: STATUS_KEY }), qc.invalidateQueries({ queryKey: ME_KEY })]);

  return (
    <>
      <div className="jb-page-title">
        <h2>账号安全</h2>
      </div>
      <Space orientation="vertical" size="middle" style={{ width: '100%', maxWidth: 720 }}>
        <Card title="账号">
          <Descriptions column={1} size="small">
            <Descriptions.Item label="用户名">{me.username}</Descriptions.Item>
            <Descriptions.Item label="姓名/名称">{me.displayName}</Descriptions.Item>
            <Descriptions.Item label="角色">{me.departmentKindName ? `${me.roleName}·${me.departmentKindName}` : me.roleName}</Descriptions.Item>
            <Descriptions.Item label="所属区划">{me.regionName ?? '—'}</Descriptions.Item>
          </Descriptions>
        </Card>
        <Card title="修改密码">
          <div style={{ maxWidth: 400 }}>
            <PasswordForm
              rule={me.passwordRule}
              onDone={(r) => message.success(r.endedSessions ? `密码已修改，已结束本账号在其他地方的${r.endedSessions}个会话` : '密码已修改')}
            />
          </div>
        </Card>
        <Card title="双因素认证（身份验证器）" data-testid="two-factor-card">
          <Typography.Paragraph>
            状态：{s.enabled ? <Tag color="green">已启用</Tag> : <Tag>未启用</Tag>}
            {s.required && <Tag color="blue">安全策略要求您的角色启用</Tag>}
          </Typography.Paragraph>
          {s.enabled ? (
            <>
              <Typography.Paragraph>
                启用于 {new Date(s.enabledAt!).toLocaleString('zh-CN')}；剩余恢复码 {s.recoveryCodesLeft} 个{s.recoveryCodesLeft <= 2 && '，请及时重新生成'}。
              </Typography.Paragraph>
              <Space>
                <Button onClick={() => setModal('renew')}>重新生成恢复码</Button>
                {!s.required && (
                  <Button danger onClick={() => setModal('disable')}>
                    关闭双因素认证
                  </Button>
                )}
              </Space>
            </>
          ) : (
            <>
              <Typography.Paragraph type="secondary">启用后，登录时除密码外还须输入手机身份验证器中的动态口令，账号被盗用的风险更低。</Typography.Paragraph>
              <Button type="primary" onClick={() => navigate('/two-factor/enrol')}>
                绑定身份验证器
              </Button>
            </>
          )}
        </Card>
      </Space>
      <SecretModal<{ password: string; code: string }>
        title="关闭双因素认证"
        okText="关闭"
        open={modal === 'disable'}
        onClose={() => setModal(null)}
        onSubmit={async (v) => {
          await api.post('/auth/two-factor/disable', v);
          setModal(null);
          message.success('已关闭双因素认证');
          await refresh();
        }}
      >
        <Form.Item name="password" label="本人密码" rules={[{ required: true, message: '请输入密码' }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <CodeItem />
      </SecretModal>
      <SecretModal<{ code: string }>
        title="重新生成恢复码"
        okText="生成"
        open={modal === 'renew'}
        onClose={() => setModal(null)}
        onSubmit={async (v) => {
          const r = await api.post<{ recoveryCodes: string[] }>('/auth/two-factor/recovery-codes', v);
          setModal(null);
          setCodes(r.recoveryCodes);
          await refresh();
        }}
      >
        <Typography.Paragraph type="secondary">生成后，原有的恢复码全部作废。</Typography.Paragraph>
        <CodeItem />
      </SecretModal>
      <Modal title="新的恢复码" open={!!codes} footer={null} closable={false} mask={{ closable: false }}>
        {codes && <RecoveryCodes codes={codes} savedText="我已保存" onSaved={() => setCodes(null)} />}
      </Modal>
    </>
  );
}
