import { useState } from 'react';
import { Alert, Button, Form, Input } from 'antd';
import { api, ApiError, errorPathToName } from '../api.ts';
import type { PendingStep } from './auth.ts';
import { tooFast } from './LoginPage.tsx';

interface Values {
  oldPassword: string;
  newPassword: string;
  confirm: string;
}

export interface PasswordChanged {
  endedSessions: number;
  next: PendingStep | null;
}

/** POST /auth/password: the server's policy errors land under their fields; a wrong old password counts as a failed login. */
export function PasswordForm({ rule, onDone, submitText = '确认修改' }: { rule: string; onDone: (r: PasswordChanged) => void; submitText?: string }) {
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onFinish(v: Values) {
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<PasswordChanged>('/auth/password', { oldPassword: v.oldPassword, newPassword: v.newPassword });
      form.resetFields();
      onDone(r);
    } catch (e) {
      if (e instanceof ApiError && e.status === 400)
        form.setFields(e.errors.filter((x) => x.path).map((x) => ({ name: errorPathToName(x.path) as any, errors: [x.message] })));
      setError(tooFast(e, '修改密码'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      {error && <Alert data-testid="password-error" style={{ marginBottom: 16 }} type="error" showIcon title={error} />}
      <Form<Values> form={form} name="password" layout="vertical" onFinish={onFinish} autoComplete="off">
        <Form.Item name="oldPassword" label="原密码" rules={[{ required: true, message: '请输入原密码' }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="newPassword" label="新密码" extra={rule} rules={[{ required: true, message: '请输入新密码' }]}>
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
          {submitText}
        </Button>
      </Form>
    </>
  );
}
