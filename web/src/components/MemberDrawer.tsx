import { useEffect, useState } from 'react';
import { Alert, App, Button, Drawer, Form, Input, Space } from 'antd';
import { api, ApiError, type FieldError } from '../api.ts';
import { describePath, memberPayload, newMember, type MemberFormValues, submitProblems } from '../forms.ts';
import type { Member } from '../types.ts';
import { MemberFields } from './MemberFields.tsx';

const SENSITIVE = ['idNumber', 'phone', 'bankAccount', 'health', 'disabilityGrade'];

function toFormValues(m: Member): MemberFormValues & { reason?: string } {
  return {
    name: m.name, idNumber: m.idNumber, relation: m.relation, registration: m.registration, urbanGuarantees: m.urbanGuarantees,
    livesTogether: m.livesTogether, laborAbility: m.laborAbility, health: m.health, disabilityGrade: m.disabilityGrade,
    schooling: m.schooling, employment: m.employment ?? undefined, phone: m.phone ?? undefined, bankAccount: m.bankAccount ?? undefined,
    supportNote: m.supportNote ?? undefined,
  };
}

/**
 * Adds a member (POST /households/:id/members) or edits one (PATCH …/members/:memberId with
 * version, only the changed fields). Masked fields are locked unless the view is revealed.
 */
export function MemberDrawer({
  householdId, member, open, revealed, onClose, onSaved,
}: { householdId: number; member: Member | null; open: boolean; revealed: boolean; onClose: () => void; onSaved: () => void }) {
  const [form] = Form.useForm<MemberFormValues & { reason?: string }>();
  const { message } = App.useApp();
  const [problems, setProblems] = useState<FieldError[] | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  const locked = !!member && !revealed;
  // A note shown with masked numbers would be saved masked: edit it on the revealed view.
  const noteLocked = locked && /\*{3,}/.test(member?.supportNote ?? '');

  useEffect(() => {
    if (!open) return;
    setProblems(null);
    setStale(false);
    form.resetFields();
    form.setFieldsValue(member ? toFormValues(member) : newMember('child'));
  }, [open, member, form]);

  async function onFinish(v: MemberFormValues & { reason?: string }) {
    setBusy(true);
    setProblems(null);
    try {
      const payload = memberPayload(v);
      if (member) {
        const before = memberPayload(toFormValues(member));
        const patch: Record<string, unknown> = {};
        for (const [k, val] of Object.entries(payload)) {
          if (locked && SENSITIVE.includes(k)) continue;
          if (noteLocked && k === 'supportNote') continue;
          if (JSON.stringify(val) !== JSON.stringify((before as Record<string, unknown>)[k])) patch[k] = val;
        }
        if ('health' in patch || 'disabilityGrade' in patch) {
          patch.health = payload.health;
          patch.disabilityGrade = payload.disabilityGrade;
        }
        if (Object.keys(patch).length === 0) {
          message.info('没有修改');
          onClose();
          return;
        }
        await api.patch(`/households/${householdId}/members/${member.id}`, { ...patch, version: member.version, reason: v.reason || undefined });
        message.success('成员信息已保存');
      } else {
        await api.post(`/households/${householdId}/members`, payload);
        message.success('成员已添加');
      }
      onSaved();
      onClose();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setStale(true);
      else setProblems(submitProblems(form, e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Drawer
      title={member ? `修改成员：${member.name}` : '新增家庭成员'}
      size={820}
      open={open}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={busy} onClick={() => form.submit()}>
            保存
          </Button>
        </Space>
      }
    >
      {stale && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="记录已被他人修改，请刷新后重试" action={<Button size="small" onClick={() => { onSaved(); onClose(); }}>刷新</Button>} />
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
      {locked && <Alert type="info" showIcon style={{ marginBottom: 16 }} title="身份证号、电话、银行账号和健康状况已脱敏显示，查看敏感信息后方可修改。" />}
      <Form form={form} name="member" layout="vertical" onFinish={onFinish}>
        <MemberFields sensitiveLocked={locked} noteLocked={noteLocked} />
        {member && (
          <Form.Item name="reason" label="修改原因" extra="记入审计日志">
            <Input maxLength={200} placeholder="如：信息采集更正" />
          </Form.Item>
        )}
      </Form>
    </Drawer>
  );
}
