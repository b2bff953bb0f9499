import { useState, type ReactNode } from 'react';
import { Alert, App, Button, Col, DatePicker, Form, Input, InputNumber, Modal, Radio, Row, Select, Switch, type FormInstance, type SelectProps } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, ApiError, type FieldError } from '../api.ts';
import { fromIsoDate, textOrNull, toIsoDate, submitProblems } from '../forms.ts';
import {
  CLAIM_STATUS, CLAIM_TYPE, COMPLIANT_EXPENSE_TYPES, EXPENSE_TYPE, FALLBACK_BASIS, INCOME_TYPE, label, options, RECORD_FIELD, RECORD_KIND,
  RELATION, RISK_TYPE,
} from '../labels.ts';
import type {
  AnyRecord, ClaimRecord, ExpenseRecord, Household, IncomeRecord, Member, RecordKind, RiskRecord,
} from '../types.ts';

/**
 * Server answers on a form: 400 errors go under the field they name (`path`), the rest into a
 * summary; 409 is a stale version (someone else saved first).
 */
function useServerErrors(form: FormInstance) {
  const [problems, setProblems] = useState<FieldError[]>([]);
  const [stale, setStale] = useState(false);
  return {
    problems,
    stale,
    reset() {
      setProblems([]);
      setStale(false);
    },
    show(e: unknown) {
      if (e instanceof ApiError && e.status === 409) setStale(true);
      else setProblems(submitProblems(form, e));
    },
  };
}

function Problems({ problems, stale, onRefresh }: { problems: FieldError[]; stale: boolean; onRefresh: () => void }) {
  return (
    <>
      {stale && (
        <Alert
          data-testid="record-stale"
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title="记录已被他人修改，请刷新后重试"
          action={<Button size="small" onClick={onRefresh}>刷新</Button>}
        />
      )}
      {problems.length > 0 && (
        <Alert
          data-testid="record-errors"
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title="保存未成功"
          description={problems.map((p, i) => <div key={i}>{p.path ? `${label(RECORD_FIELD, p.path)}：${p.message}` : p.message}</div>)}
        />
      )}
    </>
  );
}

/** A modal holding one form; the form is created afresh each time it opens. */
function FormModal<T>({
  title, name, open, initialValues, onClose, onRefresh, submit, children,
}: {
  title: string;
  name: string;
  open: boolean;
  initialValues: Partial<T>;
  onClose: () => void;
  /** After a 409: reload and close. */
  onRefresh: () => void;
  /** Sends the form; a thrown ApiError is shown on the form. */
  submit: (values: T) => Promise<void>;
  children: ReactNode;
}) {
  const [form] = Form.useForm<T>();
  const errors = useServerErrors(form);
  const [busy, setBusy] = useState(false);
  async function onFinish(v: T) {
    setBusy(true);
    errors.reset();
    try {
      await submit(v);
      onClose();
    } catch (e) {
      errors.show(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      title={title}
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText="保存"
      okButtonProps={{ loading: busy }}
      destroyOnHidden
      width={640}
      afterOpenChange={(visible) => !visible && errors.reset()}
    >
      <Problems problems={errors.problems} stale={errors.stale} onRefresh={() => { onRefresh(); onClose(); }} />
      <Form<T> form={form} name={name} layout="vertical" initialValues={initialValues} onFinish={onFinish}>
        {children}
      </Form>
    </Modal>
  );
}

// —— income, claim, expense, risk ——

export interface RecordFormValues {
  type?: string;
  amount?: number | null;
  from?: Dayjs | null;
  to?: Dayjs | null;
  month?: Dayjs | null;
  memberId?: number | null;
  status?: string;
  selfResolvable?: boolean;
  incomeDrop?: boolean;
  resolved?: boolean;
  foundOn?: Dayjs | null;
  resolvedOn?: Dayjs | null;
  note?: string;
  reason?: string;
}

const toMonth = (v: unknown): string | null => (v && dayjs.isDayjs(v) ? v.format('YYYY-MM') : null);
const fromMonth = (v: string | null | undefined): Dayjs | null => (v ? dayjs(`${v}-01`) : null);

function recordFormValues(kind: RecordKind, r: AnyRecord | null): RecordFormValues {
  if (!r) {
    if (kind === 'claims') return { status: 'paid' };
    if (kind === 'risks') return { selfResolvable: false, incomeDrop: false, resolved: false, foundOn: dayjs() };
    return {};
  }
  const base = { type: r.type, note: r.note ?? undefined };
  if (kind === 'incomes') {
    const i = r as IncomeRecord;
    return { ...base, amount: i.amount, from: fromMonth(i.from), to: fromMonth(i.to), memberId: i.memberId };
  }
  if (kind === 'claims') {
    const c = r as ClaimRecord;
    return { ...base, amount: c.amount, month: fromMonth(c.month), status: c.status };
  }
  if (kind === 'expenses') {
    const x = r as ExpenseRecord;
    return { ...base, amount: x.amount, month: fromMonth(x.month) };
  }
  const k = r as RiskRecord;
  return {
    ...base, selfResolvable: k.selfResolvable, incomeDrop: k.incomeDrop, resolved: k.resolved,
    foundOn: fromIsoDate(k.foundOn), resolvedOn: fromIsoDate(k.resolvedOn),
  };
}

/** The API body of a record (src/domain/household-records.ts `checkRecord`). */
function recordPayload(kind: RecordKind, v: RecordFormValues): Record<string, unknown> {
  const common = { type: v.type ?? null, note: textOrNull(v.note) };
  const amount = v.amount ?? null;
  if (kind === 'incomes') return { ...common, amount, from: toMonth(v.from), to: toMonth(v.to), memberId: v.memberId ?? null };
  if (kind === 'claims') return { ...common, amount, month: toMonth(v.month), status: v.status ?? null };
  if (kind === 'expenses') return { ...common, amount, month: toMonth(v.month) };
  return {
    ...common, selfResolvable: v.selfResolvable ?? null, incomeDrop: !!v.incomeDrop, resolved: !!v.resolved,
    foundOn: toIsoDate(v.foundOn), resolvedOn: v.resolved ? toIsoDate(v.resolvedOn) : null,
  };
}

const required = (message: string) => [{ required: true, message }];

function AmountField() {
  return (
    <Form.Item name="amount" label="金额（元）" rules={required('请填写金额')}>
      <InputNumber min={0} precision={2} step={100} style={{ width: '100%' }} placeholder="如 12000.00" />
    </Form.Item>
  );
}

function MonthField({ name, text }: { name: string; text: string }) {
  return (
    <Form.Item name={name} label={text} rules={required(`请选择${text}`)}>
      <DatePicker picker="month" format="YYYY-MM" style={{ width: '100%' }} placeholder="YYYY-MM" />
    </Form.Item>
  );
}

function RecordFields({ kind, members }: { kind: RecordKind; members: Member[] }) {
  const resolved = Form.useWatch('resolved');
  const typeOptions: SelectProps['options'] =
    kind === 'incomes' ? options(INCOME_TYPE)
      : kind === 'claims' ? options(CLAIM_TYPE)
        : kind === 'risks' ? options(RISK_TYPE)
          : [
              { label: '合规自付支出（计入，Q13）', options: options(EXPENSE_TYPE).filter((o) => COMPLIANT_EXPENSE_TYPES.includes(o.value)) },
              { label: '其他支出（记录但不计入）', options: options(EXPENSE_TYPE).filter((o) => !COMPLIANT_EXPENSE_TYPES.includes(o.value)) },
            ];
  return (
    <Row gutter={16}>
      <Col xs={24} md={12}>
        <Form.Item name="type" label={kind === 'risks' ? '风险类型' : `${RECORD_KIND[kind]}类型`} rules={required('请选择类型')}>
          <Select options={typeOptions} placeholder="请选择" />
        </Form.Item>
      </Col>
      {kind === 'incomes' && (
        <>
          <Col xs={24} md={12}>
            <Form.Item name="memberId" label="家庭成员" extra="不选则为全户收入">
              <Select
                allowClear
                placeholder="全户"
                options={members.map((m) => ({ value: m.id, label: `${m.name}（${label(RELATION, m.relation)}）` }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}><AmountField /></Col>
          <Col xs={12} md={8}><MonthField name="from" text="起始月份" /></Col>
          <Col xs={12} md={8}><MonthField name="to" text="截止月份" /></Col>
        </>
      )}
      {(kind === 'claims' || kind === 'expenses') && (
        <>
          <Col xs={12} md={12}><AmountField /></Col>
          <Col xs={12} md={12}><MonthField name="month" text="发生月份" /></Col>
        </>
      )}
      {kind === 'claims' && (
        <Col xs={24}>
          <Form.Item name="status" label="到位情况" rules={required('请选择到位情况')} extra="未到位的理赔不计入收入，但须持续跟踪（Q14）">
            <Radio.Group optionType="button" options={options(CLAIM_STATUS)} />
          </Form.Item>
        </Col>
      )}
      {kind === 'risks' && (
        <>
          <Col xs={24} md={12}>
            <Form.Item name="foundOn" label="发现日期">
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="selfResolvable" label="能否依靠自身力量解决" rules={required('请选择')}>
              <Radio.Group
                optionType="button"
                options={[
                  { value: false, label: '难以依靠自身力量解决' },
                  { value: true, label: '可依靠自身力量解决（Q16）' },
                ]}
              />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="incomeDrop" label="收入大幅缩减" valuePropName="checked">
              <Switch checkedChildren="是" unCheckedChildren="否" />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="resolved" label="已解决" valuePropName="checked">
              <Switch checkedChildren="是" unCheckedChildren="否" />
            </Form.Item>
          </Col>
          {resolved && (
            <Col xs={24} md={8}>
              <Form.Item name="resolvedOn" label="解决日期">
                <DatePicker style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          )}
        </>
      )}
      <Col xs={24}>
        <Form.Item name="note" label="备注">
          <Input maxLength={500} placeholder="如：外出务工工资、合作社分红" />
        </Form.Item>
      </Col>
    </Row>
  );
}

/** Adds a record (POST /households/:id/:kind) or edits one (PATCH …/:recordId with version, only the changed fields). */
export function RecordModal({
  householdId, members, kind, record, open, onClose, onSaved,
}: {
  householdId: number;
  members: Member[];
  kind: RecordKind;
  record: AnyRecord | null;
  open: boolean;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { message } = App.useApp();
  async function submit(v: RecordFormValues) {
    const payload = recordPayload(kind, v);
    if (!record) {
      await api.post(`/households/${householdId}/${kind}`, payload);
      message.success(`${RECORD_KIND[kind]}记录已添加`);
    } else {
      const before = recordPayload(kind, recordFormValues(kind, record));
      const patch = Object.fromEntries(Object.entries(payload).filter(([k, val]) => JSON.stringify(val) !== JSON.stringify(before[k])));
      if (Object.keys(patch).length === 0) {
        message.info('没有修改');
        return;
      }
      await api.patch(`/households/${householdId}/${kind}/${record.id}`, { ...patch, version: record.version, reason: textOrNull(v.reason) ?? undefined });
      message.success(`${RECORD_KIND[kind]}记录已保存`);
    }
    onSaved();
  }
  return (
    <FormModal<RecordFormValues>
      title={`${record ? '修改' : '新增'}${RECORD_KIND[kind]}记录`}
      name="record"
      open={open}
      initialValues={recordFormValues(kind, record)}
      onClose={onClose}
      onRefresh={onSaved}
      submit={submit}
    >
      <RecordFields kind={kind} members={members} />
      {record && (
        <Form.Item name="reason" label="修改原因" extra="记入审计日志">
          <Input maxLength={200} placeholder="如：核实后更正金额" />
        </Form.Item>
      )}
    </FormModal>
  );
}

/** Voids a record with a reason (POST …/:recordId/void); it stays visible, greyed, with the reason. */
export function VoidModal({
  householdId, kind, record, open, onClose, onSaved,
}: { householdId: number; kind: RecordKind; record: AnyRecord | null; open: boolean; onClose: () => void; onSaved: () => void }) {
  const { message } = App.useApp();
  return (
    <FormModal<{ reason?: string }>
      title={`作废${RECORD_KIND[kind]}记录`}
      name="void"
      open={open}
      initialValues={{}}
      onClose={onClose}
      onRefresh={onSaved}
      submit={async (v) => {
        await api.post(`/households/${householdId}/${kind}/${record!.id}/void`, { version: record!.version, reason: v.reason ?? '' });
        message.success('记录已作废');
        onSaved();
      }}
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title="记录不会删除：作废后不再参与评估，仍可查看，并记入审计日志。" />
      <Form.Item name="reason" label="作废原因" rules={required('请填写作废原因')}>
        <Input.TextArea rows={3} maxLength={500} placeholder="如：重复录入、核实后不属实" />
      </Form.Item>
    </FormModal>
  );
}

interface FallbackFormValues {
  fallback: boolean;
  fallbackSince?: Dayjs | null;
  fallbackBasis?: string | null;
  reason?: string;
}

/** The household's whole-household no-labour fallback flag (整户无劳动能力兜底保障户, Q35, REG-4), via the household PATCH. */
export function FallbackModal({ household, open, onClose, onSaved }: { household: Household; open: boolean; onClose: () => void; onSaved: () => void }) {
  const { message } = App.useApp();
  return (
    <FormModal<FallbackFormValues>
      title="整户无劳动能力兜底保障户标识（Q35）"
      name="fallback"
      open={open}
      initialValues={{ fallback: !!household.fallbackSince, fallbackSince: fromIsoDate(household.fallbackSince), fallbackBasis: household.fallbackBasis }}
      onClose={onClose}
      onRefresh={onSaved}
      submit={async (v) => {
        await api.patch(`/households/${household.id}`, {
          version: household.version,
          fallbackSince: v.fallback ? toIsoDate(v.fallbackSince) : null,
          fallbackBasis: v.fallback ? (v.fallbackBasis ?? null) : null,
          reason: textOrNull(v.reason) ?? undefined,
        });
        message.success('兜底保障标识已保存');
        onSaved();
      }}
    >
      <FallbackFields />
    </FormModal>
  );
}

function FallbackFields() {
  const fallback = Form.useWatch('fallback');
  return (
    <>
      <Form.Item name="fallback" label="是否整户无劳动能力兜底保障户" valuePropName="checked" extra="由乡、村认定；兜底保障户不适用风险消除（Q34）">
        <Switch checkedChildren="是" unCheckedChildren="否" />
      </Form.Item>
      {fallback && (
        <Row gutter={16}>
          <Col xs={24} md={10}>
            <Form.Item name="fallbackSince" label="认定日期" rules={required('请选择认定日期')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={14}>
            <Form.Item name="fallbackBasis" label="认定依据" rules={required('请选择认定依据')}>
              <Select options={options(FALLBACK_BASIS)} placeholder="请选择" />
            </Form.Item>
          </Col>
        </Row>
      )}
      <Form.Item name="reason" label="修改原因" extra="记入审计日志">
        <Input maxLength={200} />
      </Form.Item>
    </>
  );
}
