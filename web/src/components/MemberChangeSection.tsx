import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Modal, Row, Select, Space, Table, Tag, Tooltip, type TableColumnsType } from 'antd';
import { MinusOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api, type FieldError } from '../api.ts';
import { describePath, memberPayload, newMember, textOrNull, toIsoDate, type MemberFormValues, submitProblems } from '../forms.ts';
import { label, RELATION } from '../labels.ts';
import {
  CHANGE_FIELD, CHANGE_REASON, DIRECTION, DIRECTION_COLOR, EVIDENCE, EVIDENCE_BY_REASON, REASONS_BY_DIRECTION, type MemberChange,
} from '../member-changes.ts';
import type { HouseholdDetail } from '../types.ts';
import { ErrorResult } from './ErrorResult.tsx';
import { MemberFields } from './MemberFields.tsx';

interface ChangeFormValues {
  direction: 'increase' | 'decrease';
  reason?: string;
  evidenceType?: string;
  evidenceRef?: string;
  eventDate?: Dayjs | null;
  memberId?: number;
  member?: MemberFormValues;
  note?: string;
}

/** Late recording: more than 3 months after the event (Q20). The server decides; this is a hint. */
export function OverdueTag({ change }: { change: Pick<MemberChange, 'overdue' | 'dueOn'> }) {
  return change.overdue ? (
    <Tooltip title={change.dueOn ? `应于 ${change.dueOn} 前登记（变更发生之日起3个月内，Q20）` : '变更发生之日起3个月内未登记（Q20）'}>
      <Tag color="red" data-testid="overdue-tag">逾期登记</Tag>
    </Tooltip>
  ) : (
    <Tag color="green">按时</Tag>
  );
}

export const memberChangeColumns: TableColumnsType<MemberChange> = [
  { title: '类型', dataIndex: 'direction', width: 90, render: (v) => <Tag color={DIRECTION_COLOR[v]}>{label(DIRECTION, v)}</Tag> },
  { title: '原因', dataIndex: 'reason', width: 100, render: (v) => label(CHANGE_REASON, v) },
  { title: '姓名', dataIndex: 'name', width: 90 },
  { title: '与户主关系', dataIndex: 'relation', width: 100, render: (v) => label(RELATION, v) },
  { title: '身份证号', dataIndex: 'idNumber', width: 180, render: (v) => <span className="jb-mono">{v}</span> },
  // A birth's date is the newborn's birth date: masked like it, the year only.
  {
    title: '变更日期', dataIndex: 'eventDate', width: 110,
    render: (v: string | null, r) => v ?? <Tooltip title="出生日期即身份证号中隐去的部分，不予显示">{r.eventYear}年</Tooltip>,
  },
  { title: '登记日期', dataIndex: 'recordedOn', width: 110 },
  { title: '登记时限', key: 'due', width: 100, render: (_, r) => <OverdueTag change={r} /> },
  {
    title: '佐证材料', key: 'evidence', width: 220,
    render: (_, r) => `${label(EVIDENCE, r.evidenceType)}（${r.evidenceRef}）`,
  },
  { title: '登记人', dataIndex: 'recordedBy', width: 120 },
  { title: '备注', dataIndex: 'note', render: (v) => v ?? '—' },
];

/**
 * 人口自然增减 on the household page (REG-5, Q20): the household's changes and the form that
 * records one with its evidence. An increase fills in the new member like any member (REG-2);
 * a decrease picks a current member, who then leaves the member list but stays on record.
 */
export function MemberChangeSection({ household }: { household: HouseholdDetail }) {
  const h = household;
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['member-changes', h.id],
    queryFn: () => api.get<{ items: MemberChange[]; canRecord: boolean }>(`/households/${h.id}/member-changes`),
  });
  const [open, setOpen] = useState<'increase' | 'decrease' | null>(null);

  return (
    <Card
      title="人口自然增减（Q20）"
      style={{ marginTop: 16 }}
      data-testid="member-changes-section"
      extra={
        q.data?.canRecord && (
          <Space>
            <Button icon={<PlusOutlined />} onClick={() => setOpen('increase')}>自然增加</Button>
            <Button icon={<MinusOutlined />} onClick={() => setOpen('decrease')}>自然减少</Button>
          </Space>
        )
      }
      styles={{ body: { padding: q.error ? undefined : 0 } }}
    >
      {q.error ? (
        <ErrorResult error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <Table<MemberChange>
          rowKey="id"
          size="small"
          columns={memberChangeColumns}
          dataSource={q.data?.items ?? []}
          loading={q.isFetching}
          pagination={false}
          scroll={{ x: 1300 }}
          locale={{ emptyText: '暂无人口自然增减记录' }}
        />
      )}
      {open && (
        <MemberChangeModal
          household={h}
          direction={open}
          onClose={() => setOpen(null)}
          // A change alters the member list and what assessments count: reload the page's data.
          onSaved={() => void qc.invalidateQueries()}
        />
      )}
    </Card>
  );
}

function MemberChangeModal({
  household, direction, onClose, onSaved,
}: { household: HouseholdDetail; direction: 'increase' | 'decrease'; onClose: () => void; onSaved: () => void }) {
  const [form] = Form.useForm<ChangeFormValues>();
  const { message } = App.useApp();
  const [problems, setProblems] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const reason = Form.useWatch('reason', form);
  const eventDate = Form.useWatch('eventDate', form);
  const reasons = REASONS_BY_DIRECTION[direction]!;
  const evidence = reason ? EVIDENCE_BY_REASON[reason]! : [];
  const late = eventDate && dayjs(eventDate).add(3, 'month').isBefore(dayjs(), 'day');

  async function onFinish(v: ChangeFormValues) {
    setBusy(true);
    setProblems([]);
    try {
      await api.post(`/households/${household.id}/member-changes`, {
        direction,
        reason: v.reason,
        evidenceType: v.evidenceType,
        evidenceRef: textOrNull(v.evidenceRef),
        eventDate: toIsoDate(v.eventDate),
        note: textOrNull(v.note),
        ...(direction === 'increase' ? { member: memberPayload(v.member!) } : { memberId: v.memberId }),
      });
      message.success(direction === 'increase' ? '已登记自然增加' : '已登记自然减少');
      onSaved();
      onClose();
    } catch (e) {
      setProblems(submitProblems(form, e));
    } finally {
      setBusy(false);
    }
  }

  const fieldName = (path: string) => (path.startsWith('member.') ? describePath(path.slice(7)) : label(CHANGE_FIELD, path));
  return (
    <Modal
      title={`人口${label(DIRECTION, direction)}`}
      open
      onCancel={onClose}
      onOk={() => form.submit()}
      okText="登记"
      okButtonProps={{ loading: busy }}
      width={direction === 'increase' ? 880 : 640}
      destroyOnHidden
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="依据佐证材料登记，并填写人口自然变更采集表信息；原则上自变更事项发生之日起不超过3个月（Q20）。"
      />
      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title="登记未成功"
          description={problems.map((p, i) => <div key={i}>{p.path ? `${fieldName(p.path)}：${p.message}` : p.message}</div>)}
        />
      )}
      <Form<ChangeFormValues>
        form={form}
        name="member-change"
        layout="vertical"
        initialValues={{ direction, member: newMember('child') }}
        onFinish={onFinish}
        onValuesChange={(changed) => {
          if ('reason' in changed) form.setFieldValue('evidenceType', changed.reason ? EVIDENCE_BY_REASON[changed.reason]?.[0] : undefined);
        }}
      >
        <Row gutter={16}>
          <Col xs={12} md={8}>
            <Form.Item name="reason" label="变更原因" rules={[{ required: true, message: '请选择变更原因' }]}>
              <Select options={reasons.map((r) => ({ value: r, label: CHANGE_REASON[r] }))} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="evidenceType" label="佐证材料" rules={[{ required: true, message: '请选择佐证材料' }]}>
              <Select disabled={!reason} options={evidence.map((e) => ({ value: e, label: EVIDENCE[e] }))} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="evidenceRef" label="证明编号/文号" rules={[{ required: true, message: '请填写证明编号或文号' }]}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item
              name="eventDate"
              label="变更日期"
              rules={[{ required: true, message: '请选择变更发生的日期' }]}
              extra={reason === 'birth' ? '出生增加的变更日期为出生日期（与身份证号一致）' : undefined}
            >
              <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
            </Form.Item>
          </Col>
          {direction === 'decrease' && (
            <Col xs={12} md={8}>
              <Form.Item name="memberId" label="减少的成员" rules={[{ required: true, message: '请选择成员' }]}>
                <Select
                  options={household.members.map((m) => ({ value: m.id, label: `${m.name}（${label(RELATION, m.relation)}）` }))}
                />
              </Form.Item>
            </Col>
          )}
          <Col xs={24} md={8}>
            <Form.Item name="note" label="备注">
              <Input maxLength={500} />
            </Form.Item>
          </Col>
        </Row>
        {late && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="距变更发生已超过3个月，登记后将标记为逾期登记（Q20）" />}
        {direction === 'increase' && (
          <Card size="small" title="新增成员（人口自然变更采集表）">
            <MemberFields name={['member']} path={['member']} />
          </Card>
        )}
      </Form>
    </Modal>
  );
}
