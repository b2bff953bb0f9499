import { useState } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App } from 'antd';
import { PageSpin } from '../App.tsx';
import { goOn, ME_KEY, useMe } from './auth.ts';
import { LoginCard } from './LoginPage.tsx';
import { PasswordForm } from './PasswordForm.tsx';

/** The forced change after a one-time password (new account, reset): nothing else works until it is done. */
export default function ChangePasswordPage() {
  const me = useMe();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  // Once changed, this page sends the user on itself (not to 账号安全 when the refreshed user arrives).
  const [done, setDone] = useState(false);

  if (me.isPending) return <PageSpin />;
  if (me.error) return <Navigate to="/login" replace />;
  if (!me.data.mustChangePassword && !done) return <Navigate to="/account" replace />;

  return (
    <LoginCard title="修改密码">
      <Alert
        style={{ marginBottom: 16 }}
        type="warning"
        showIcon
        title="首次登录须先修改密码"
        description={`${me.data.displayName}（${me.data.username}），您使用的是一次性密码，请设置自己的新密码后继续使用系统。`}
      />
      <PasswordForm
        rule={me.data.passwordRule}
        onDone={async (r) => {
          setDone(true);
          message.success('密码已修改');
          await qc.invalidateQueries({ queryKey: ME_KEY });
          goOn(navigate, r.next);
        }}
      />
    </LoginCard>
  );
}
