import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Col, Form, Input, InputNumber, Row, Typography } from 'antd';
import { api, type FieldError } from '../api.ts';
import { ErrorResult } from '../components/ErrorResult.tsx';
import { submitProblems } from '../forms.ts';
import { PageSpin } from '../App.tsx';
import DataKeyCard from './DataKeyCard.tsx';
import type { getSecurityPolicy } from '../../../src/app/security/get-security-policy.ts';
import type { PasswordPolicy } from '../../../src/domain/password-policy.ts';

type Setting = Awaited<ReturnType<typeof getSecurityPolicy>>;
type Values = PasswordPolicy & { reason: string };
const KEY = ['security', 'policy'] as const;

/** 安全策略 (security admin, SEC-4/SEC-6): password, lockout, idle timeout, one-time passwords, second factor by role. */
export default function SecurityPolicyPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [problems, setProblems] = useState<FieldError[] | null>(null);
  const [busy, setBusy] = useState(false);
  const q = useQuery({ queryKey: KEY, queryFn: () => api.get<Setting>('/security/policy') });

  useEffect(() => {
    if (q.data) form.setFieldsValue({ ...q.data.policy, reason: '' });
  }, [q.data, form]);

  if (q.isPending) return <PageSpin />;
  if (q.error) return <ErrorResult error={q.error} onRetry={() => q.refetch()} />;
  const { bounds, businessRoles, version } = q.data;

  async function save(v: Values) {
    setBusy(true);
    setProblems(null);
    try {
      await api.put('/security/policy', { ...v, reason: v.reason.trim(), version });
      message.success('安全策略已保存');
      await qc.invalidateQueries({ queryKey: KEY });
    } catch (e) {
      setProblems(submitProblems(form, e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <div className="jb-page-title">
        <h2>安全策略</h2>
        <Typography.Text type="secondary">第 {version} 版</Typography.Text>
      </div>
      {problems && problems.length > 0 && (
        <Alert data-testid="policy-error" type="error" showIcon style={{ marginBottom: 16 }} title={problems.map((p) => p.message).join('；')} />
      )}
      <Form<Values> form={form} name="policy" layout="vertical" onFinish={save} style={{ maxWidth: 860 }}>
        <Card title="密码与锁定" style={{ marginBottom: 16 }}>
          <Row gutter={24}>
            {(Object.keys(bounds) as (keyof typeof bounds)[]).map((k) => (
              <Col span={12} key={k}>
                <Form.Item name={k} label={bounds[k].label} extra={`${bounds[k].min}–${bounds[k].max}`} rules={[{ required: true, message: '必填' }]}>
                  <InputNumber min={bounds[k].min} max={bounds[k].max} precision={0} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            ))}
          </Row>
        </Card>
        <Card title="双因素认证（身份验证器）" style={{ marginBottom: 16 }}>
          <Typography.Paragraph>系统管理员、安全管理员、审计管理员始终须使用双因素认证。以下角色也须使用（建议生产环境对县级及以上角色启用）：</Typography.Paragraph>
          <Form.Item name="twoFactorRoles">
            <Checkbox.Group options={businessRoles.map((r) => ({ value: r.role, label: r.name }))} />
          </Form.Item>
          <Typography.Paragraph type="secondary">新要求在相关用户的下一次操作时生效：尚未绑定的用户须先绑定身份验证器。</Typography.Paragraph>
        </Card>
        <Card>
          <Form.Item name="reason" label="修改原因" rules={[{ required: true, whitespace: true, message: '请填写修改原因（记入审计日志）' }]}>
            <Input.TextArea rows={2} maxLength={500} showCount />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            保存安全策略
          </Button>
        </Card>
      </Form>
      <div style={{ maxWidth: 860, marginTop: 16 }}>
        <DataKeyCard />
      </div>
    </>
  );
}
