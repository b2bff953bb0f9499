import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Space } from 'antd';
import { api, ApiError, type FieldError } from '../api.ts';
import { ErrorResult } from '../components/ErrorResult.tsx';
import { HouseholdFields } from '../components/HouseholdFields.tsx';
import { PageSpin } from '../App.tsx';
import { describePath, householdFormValues, householdPayload, type HouseholdFormValues, submitProblems } from '../forms.ts';
import { useHousehold } from './HouseholdDetailPage.tsx';

/**
 * 编辑农户: PATCH /households/:id with the fields changed and the version read (409 when someone
 * else saved first). Only changed fields are sent: free text shown masked (SEC-3) is not written back.
 */
export default function HouseholdEditPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  // Opened from a revealed detail page: the same (already audited) revealed view, so nothing shows masked.
  const [params] = useSearchParams();
  const q = useHousehold(id, params.get('reveal') === '1');
  const [form] = Form.useForm<HouseholdFormValues & { reason?: string }>();
  const [problems, setProblems] = useState<FieldError[] | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (q.data) form.setFieldsValue(householdFormValues(q.data));
  }, [q.data, form]);

  if (q.isPending) return <PageSpin />;
  if (q.error) return <ErrorResult error={q.error} />;
  const h = q.data;
  if (!h.canEdit) return <ErrorResult error={new ApiError(403, [{ path: '', message: '您无权修改该户' }])} />;

  async function onFinish(v: HouseholdFormValues & { reason?: string }) {
    setBusy(true);
    setProblems(null);
    setStale(false);
    try {
      const before = householdPayload(householdFormValues(h)) as Record<string, unknown>;
      const changed = Object.entries(householdPayload(v)).filter(([k, val]) => JSON.stringify(val) !== JSON.stringify(before[k]));
      await api.patch(`/households/${h.id}`, { ...Object.fromEntries(changed), version: h.version, reason: v.reason || undefined });
      message.success('农户信息已保存');
      await qc.invalidateQueries({ queryKey: ['household', id] });
      await qc.invalidateQueries({ queryKey: ['households'] });
      navigate(`/households/${h.id}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setStale(true);
      else setProblems(submitProblems(form, e));
    } finally {
      setBusy(false);
    }
  }

  const head = h.members.find((m) => m.relation === 'head');
  return (
    <>
      <div className="jb-page-title">
        <h2>编辑农户：{head?.name ?? ''}户</h2>
        <Link to={`/households/${h.id}`}>返回详情</Link>
      </div>
      {stale && (
        <Alert
          data-testid="stale"
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title="记录已被他人修改，请刷新后重试"
          action={
            <Button size="small" onClick={() => { setStale(false); void q.refetch(); }}>
              刷新
            </Button>
          }
        />
      )}
      {problems && problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title="保存未成功"
          description={problems.map((p, i) => <div key={i}>{p.path ? `${describePath(p.path)}：${p.message}` : p.message}</div>)}
        />
      )}
      <Form form={form} name="edit" layout="vertical" onFinish={onFinish} initialValues={householdFormValues(h)}>
        <Card title="农户信息" style={{ marginBottom: 16 }}>
          <HouseholdFields maskedFields={(['villageGroup', 'address', 'responsibilityReason'] as const).filter((k) => /\*{3,}/.test(h[k] ?? ''))} />
          <Form.Item name="reason" label="修改原因" extra="记入审计日志">
            <Input maxLength={200} placeholder="如：年度信息更新" />
          </Form.Item>
        </Card>
        <Space>
          <Button type="primary" htmlType="submit" loading={busy}>
            保存
          </Button>
          <Button onClick={() => navigate(`/households/${h.id}`)}>取消</Button>
        </Space>
        <div style={{ marginTop: 12, color: '#999' }}>家庭成员请在农户详情页中修改。</div>
      </Form>
    </>
  );
}
