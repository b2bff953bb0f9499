import { useEffect, useRef, useState } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Spin, Steps, Typography } from 'antd';
import { api, firstMessage } from '../api.ts';
import { PageSpin } from '../App.tsx';
import { goOn, ME_KEY, useMe, type PendingStep } from './auth.ts';
import { LoginCard, tooFast } from './LoginPage.tsx';
import { RecoveryCodes } from './RecoveryCodes.tsx';
import type { startTwoFactorEnrolment } from '../../../src/app/auth/start-two-factor-enrolment.ts';

type Offer = Awaited<ReturnType<typeof startTwoFactorEnrolment>>;

/**
 * Binding an authenticator app (SEC-6): forced at sign-in for roles that must have one, or
 * chosen from 账号安全. QR code and the secret as text, a code to confirm, then the recovery codes once.
 */
export default function TwoFactorEnrolPage() {
  const me = useMe();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [offer, setOffer] = useState<Offer | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{ recoveryCodes: string[]; next: PendingStep | null } | null>(null);
  const started = useRef(false);
  const canStart = !!me.data && !me.data.twoFactorEnabled && !me.data.mustChangePassword && me.data.next !== 'second_factor';

  useEffect(() => {
    // One secret per visit (a second start would replace the first one the user may have scanned).
    if (!canStart || started.current) return;
    started.current = true;
    api.post<Offer>('/auth/two-factor/enrol').then(setOffer, (e) => setLoadError(firstMessage(e)));
  }, [canStart]);

  if (me.isPending) return <PageSpin />;
  if (me.error) return <Navigate to="/login" replace />;
  if (me.data.next === 'second_factor') return <Navigate to="/login/verify" replace />;
  if (me.data.mustChangePassword) return <Navigate to="/change-password" replace />;
  if (me.data.twoFactorEnabled && !done) return <Navigate to="/account" replace />;
  const forced = me.data.next === 'enrol_two_factor';

  async function confirm(v: { code: string }) {
    setBusy(true);
    setError(null);
    try {
      setDone(await api.post<{ recoveryCodes: string[]; next: PendingStep | null }>('/auth/two-factor/confirm', { code: v.code.trim() }));
    } catch (e) {
      setError(tooFast(e, '绑定'));
    } finally {
      setBusy(false);
    }
  }

  async function finish() {
    // The user and the 2FA status (账号安全) both changed.
    await qc.invalidateQueries({ queryKey: [ME_KEY[0]] });
    if (forced) goOn(navigate, done!.next);
    else navigate('/account', { replace: true });
  }

  return (
    <LoginCard title="绑定身份验证器">
      <Steps size="small" current={done ? 2 : 1} style={{ marginBottom: 16 }} items={[{ title: '安装应用' }, { title: '扫码并验证' }, { title: '保存恢复码' }]} />
      {forced && !done && (
        <Alert style={{ marginBottom: 16 }} type="info" showIcon title="您的账号须启用双因素认证" description="绑定后，每次登录除密码外还须输入手机身份验证器中的6位动态口令。" />
      )}
      {done ? (
        <RecoveryCodes codes={done.recoveryCodes} onSaved={finish} />
      ) : loadError ? (
        <Alert type="error" showIcon title={loadError} />
      ) : !offer ? (
        <div style={{ textAlign: 'center', padding: 24 }}>
          <Spin />
        </div>
      ) : (
        <>
          <Typography.Paragraph>
            1. 在手机上安装任一身份验证器应用（如 Google Authenticator、Microsoft Authenticator、腾讯身份验证器）。
          </Typography.Paragraph>
          <Typography.Paragraph>2. 用应用扫描下方二维码；无法扫码时，选择“手动输入密钥”，输入：</Typography.Paragraph>
          <div style={{ textAlign: 'center' }}>
            <img data-testid="totp-qr" src={offer.qrCode} alt="绑定二维码" width={200} height={200} />
          </div>
          <Typography.Paragraph style={{ textAlign: 'center' }}>
            <Typography.Text code copyable={{ text: offer.secret }} data-testid="totp-secret" className="jb-mono">
              {offer.secret}
            </Typography.Text>
          </Typography.Paragraph>
          <Typography.Paragraph>3. 输入应用显示的6位动态口令完成绑定：</Typography.Paragraph>
          {error && <Alert data-testid="enrol-error" style={{ marginBottom: 16 }} type="error" showIcon title={error} />}
          <Form<{ code: string }> name="enrol" onFinish={confirm} autoComplete="off">
            <Form.Item name="code" rules={[{ required: true, message: '请输入6位动态口令' }, { pattern: /^\d{6}$/, message: '动态口令为6位数字' }]}>
              <Input placeholder="6位动态口令" inputMode="numeric" maxLength={6} size="large" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              确认绑定
            </Button>
            {!forced && (
              <Button type="link" block onClick={() => navigate('/account')}>
                取消
              </Button>
            )}
          </Form>
        </>
      )}
    </LoginCard>
  );
}
