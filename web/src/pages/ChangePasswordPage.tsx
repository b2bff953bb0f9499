import { useState } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Typography } from 'antd';
import { api, ApiError, errorPathToName, firstMessage } from '../api.ts';
import { ME_KEY, useMe } from '../auth.ts';
import { PageSpin } from '../App.tsx';

interface PasswordForm {
  oldPassword: string;
  newPassword: string;
  confirm: string;
}

/** Forced (first login) or voluntary password change: POST /auth/password. */
export default function ChangePasswordPage() {
  const me = useMe();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<PasswordForm>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (me.isPending) return <PageSpin />;
  if (me.error) return <Navigate to="/login" replace />;

  async function onFinish(v: PasswordForm) {
    setBusy(true);
    setError(null);
    try {
      await api.post('/auth/password', { oldPassword: v.oldPassword, newPassword: v.newPassword });
      message.success('密码已修改');
      await qc.invalidateQueries({ queryKey: ME_KEY });
      navigate('/', { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) {
        form.setFields(e.errors.filter((x) => x.path).map((x) => ({ name: errorPathToName(x.path) as any, errors: [x.message] })));
      }
      setError(firstMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="jb-login">
      <Card>
        <Typography.Title level={4} style={{ textAlign: 'center' }}>
          修改密码
        </Typography.Title>
        {me.data.mustChangePassword && (
          <Alert
            style={{ marginBottom: 16 }}
            type="warning"
            showIcon
            title="首次登录须先修改密码"
            description={`${me.data.displayName}（${me.data.username}），请设置新密码后继续使用系统。`}
          />
        )}
        {error && <Alert data-testid="password-error" style={{ marginBottom: 16 }} type="error" showIcon title={error} />}
        <Form<PasswordForm> form={form} name="password" layout="vertical" onFinish={onFinish} autoComplete="off">
          <Form.Item name="oldPassword" label="原密码" rules={[{ required: true, message: '请输入原密码' }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label="新密码"
            extra="至少10位，包含小写字母、大写字母、数字、符号中的至少3类，且不含用户名"
            rules={[{ required: true, message: '请输入新密码' }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label="确认新密码"
            dependencies={['newPassword']}
            rules={[
              { required: true, message: '请再次输入新密码' },
              ({ getFieldValue }) => ({
                validator: (_, value) =>
                  !value || getFieldValue('newPassword') === value ? Promise.resolve() : Promise.reject(new Error('两次输入的新密码不一致')),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            确认修改
          </Button>
          {!me.data.mustChangePassword && (
            <Button type="link" block onClick={() => navigate(-1)}>
              返回
            </Button>
          )}
        </Form>
      </Card>
    </div>
  );
}
