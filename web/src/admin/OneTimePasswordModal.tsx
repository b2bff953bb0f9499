import { Alert, Modal, Typography } from 'antd';

export interface OneTimePassword {
  username: string;
  initialPassword: string;
  expiresAt: string | null;
}

/** A one-time password, shown once to whoever created or reset the account. */
export function OneTimePasswordModal({ value, title, onClose }: { value: OneTimePassword | null; title: string; onClose: () => void }) {
  return (
    <Modal
      title={title}
      open={!!value}
      onOk={onClose}
      onCancel={onClose}
      cancelButtonProps={{ style: { display: 'none' } }}
      okText="我已记下"
      closable={false}
      mask={{ closable: false }}
    >
      {value && (
        <>
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            title="一次性密码只显示这一次"
            description={`请当面或通过安全渠道交给本人。它只能登录一次${value.expiresAt ? `，${new Date(value.expiresAt).toLocaleString('zh-CN')} 前有效` : ''}；登录后须立即修改密码。关闭本窗口后无法再查看。`}
          />
          <Typography.Paragraph>
            用户名：<Typography.Text strong>{value.username}</Typography.Text>
          </Typography.Paragraph>
          <Typography.Paragraph>
            一次性密码：<Typography.Text code copyable data-testid="initial-password">{value.initialPassword}</Typography.Text>
          </Typography.Paragraph>
        </>
      )}
    </Modal>
  );
}
