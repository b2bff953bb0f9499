import { useState } from 'react';
import { Alert, Button, Checkbox, Typography } from 'antd';

/** Recovery codes, shown once: the user confirms having saved them before going on. */
export function RecoveryCodes({ codes, onSaved, savedText = '我已保存，继续' }: { codes: string[]; onSaved: () => void; savedText?: string }) {
  const [saved, setSaved] = useState(false);
  return (
    <>
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 16 }}
        title="恢复码只显示这一次"
        description="手机丢失或身份验证器不可用时，可用恢复码代替动态口令登录，每个只能用一次。请抄写或打印后妥善保管，不要保存在本电脑上。"
      />
      <Typography.Paragraph copyable={{ text: codes.join('\n') }} style={{ marginBottom: 8 }}>
        共 {codes.length} 个恢复码
      </Typography.Paragraph>
      <ol
        data-testid="recovery-codes"
        className="jb-mono"
        style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: '4px 16px', listStyle: 'none', padding: '8px 12px', margin: '0 0 16px', background: '#fafafa', border: '1px solid #f0f0f0', fontSize: 13 }}
      >
        {codes.map((c) => (
          <li key={c} style={{ whiteSpace: 'nowrap' }}>{c}</li>
        ))}
      </ol>
      <Checkbox checked={saved} onChange={(e) => setSaved(e.target.checked)} style={{ marginBottom: 16 }}>
        我已将恢复码抄写或保存在安全的地方
      </Checkbox>
      <Button type="primary" block disabled={!saved} onClick={onSaved}>
        {savedText}
      </Button>
    </>
  );
}
