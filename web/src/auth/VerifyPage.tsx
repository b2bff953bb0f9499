import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { SafetyOutlined } from '@ant-design/icons';
import { api, ApiError } from '../api.ts';
import { PageSpin } from '../App.tsx';
import { goOn, ME_KEY, useMe, type PendingStep } from './auth.ts';
import { LoginCard, tooFast } from './LoginPage.tsx';

interface CodeForm {
  code?: string;
  recoveryCode?: string;
}

/** Sign-in, second step (SEC-6): the 6-digit code of the authenticator app, or a recovery code. */
export default function VerifyPage() {
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const qc = useQueryClient();
  const [form] = Form.useForm<CodeForm>();
  const [recovery, setRecovery] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [ended, setEnded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const from = (location.state as { from?: string } | null)?.from;

  if (me.isPending) return <PageSpin />;
  if (me.error) return <Navigate to="/login" replace />;
  if (me.data.next !== 'second_factor' && !done) return <Navigate to="/" replace />;

  async function onFinish(v: CodeForm) {
    setBusy(true);
    setError(null);
    try {
      const body = recovery ? { recoveryCode: v.recoveryCode?.trim() } : { code: v.code?.trim() };
      const r = await api.post<{ next: PendingStep | null; recoveryCodesLeft: number | null }>('/auth/two-factor/verify', body);
      setDone(true);
      await qc.invalidateQueries({ queryKey: ME_KEY });
      goOn(navigate, r.next, from);
    } catch (e) {
      // Locked: the server ended this half-open session; the user starts again later.
      if (e instanceof ApiError && e.status === 423) setEnded(true);
      setError(tooFast(e, '验证'));
      form.resetFields();
    } finally {
      setBusy(false);
    }
  }

  async function cancel() {
    await api.post('/auth/logout').catch(() => undefined);
    qc.clear();
    navigate('/login', { replace: true });
  }

  return (
    <LoginCard title="双因素认证">
      <Typography.Paragraph>
        {me.data.displayName}（{me.data.username}），{recovery ? '请输入一个未用过的恢复码（每个只能用一次）。' : '请打开手机上的身份验证器，输入“Jianbang”的6位动态口令。'}
      </Typography.Paragraph>
      {error && <Alert data-testid="verify-error" style={{ marginBottom: 16 }} type="error" showIcon title={error} />}
      {ended ? (
        <Button type="primary" block onClick={() => navigate('/login', { replace: true })}>
          返回登录
        </Button>
      ) : (
        <Form<CodeForm> form={form} name="verify" size="large" onFinish={onFinish} autoComplete="off">
          {recovery ? (
            <Form.Item name="recoveryCode" rules={[{ required: true, message: '请输入恢复码' }]}>
              <Input placeholder="ABCD-EFGH-JKLM-NPQR" autoFocus />
            </Form.Item>
          ) : (
            <Form.Item name="code" rules={[{ required: true, message: '请输入6位动态口令' }, { pattern: /^\d{6}$/, message: '动态口令为6位数字' }]}>
              <Input prefix={<SafetyOutlined />} placeholder="6位动态口令" inputMode="numeric" maxLength={6} autoFocus />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" block loading={busy}>
            验 证
          </Button>
          <Button type="link" block onClick={() => { setRecovery(!recovery); setError(null); }}>
            {recovery ? '改用动态口令' : '手机不在身边？使用恢复码'}
          </Button>
          <Button type="link" block onClick={cancel}>
            取消，返回登录
          </Button>
        </Form>
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, fontSize: 12, textAlign: 'center' }}>
        动态口令输错也计入连续失败次数；恢复码用完或手机丢失，请联系安全管理员重置。
      </Typography.Paragraph>
    </LoginCard>
  );
}
