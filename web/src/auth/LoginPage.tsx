import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { api, ApiError, firstMessage } from '../api.ts';
import { goOn, type PendingStep } from './auth.ts';

interface LoginForm {
  username: string;
  password: string;
}

export function LoginCard({ children, title = '监帮' }: { children: React.ReactNode; title?: string }) {
  return (
    <div className="jb-login">
      <Card>
        <Typography.Title level={3} style={{ textAlign: 'center', marginBottom: 4 }}>
          {title}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          防止返贫动态监测和帮扶系统
        </Typography.Paragraph>
        {children}
      </Card>
    </div>
  );
}

export const tooFast = (e: unknown, what: string) => (e instanceof ApiError && e.status === 429 ? `${what}尝试过于频繁，请稍后再试` : firstMessage(e));

/** Sign-in, first step: username and password. What follows (code, password change, binding) is its own page. */
export default function LoginPage() {
  const navigate = useNavigate();
  const location = useLocation();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const state = (location.state ?? {}) as { from?: string; expired?: boolean };

  async function onFinish(v: LoginForm) {
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<{ mustChangePassword: boolean; next: PendingStep | null }>('/auth/login', v);
      qc.clear();
      goOn(navigate, r.next, state.from);
    } catch (e) {
      setError(tooFast(e, '登录'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <LoginCard>
      {state.expired && !error && <Alert style={{ marginBottom: 16 }} type="warning" showIcon title="未登录或会话已超时，请重新登录" />}
      {error && <Alert data-testid="login-error" style={{ marginBottom: 16 }} type="error" showIcon title={error} />}
      <Form<LoginForm> name="login" size="large" onFinish={onFinish} autoComplete="off">
        <Form.Item name="username" rules={[{ required: true, message: '请输入用户名' }]}>
          <Input prefix={<UserOutlined />} placeholder="用户名" autoFocus />
        </Form.Item>
        <Form.Item name="password" rules={[{ required: true, message: '请输入密码' }]}>
          <Input.Password prefix={<LockOutlined />} placeholder="密码" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          登 录
        </Button>
      </Form>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, fontSize: 12, textAlign: 'center' }}>
        连续多次密码错误将锁定账号；长时间无操作将自动退出。
      </Typography.Paragraph>
    </LoginCard>
  );
}
