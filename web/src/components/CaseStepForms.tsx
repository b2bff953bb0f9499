import { useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Col, DatePicker, Form, Input, InputNumber, Modal, Radio, Row, Select, Space, Switch, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api, ApiError, type FieldError } from '../api.ts';
import { applyServerErrors } from '../forms.ts';
import { label, MONITORING_CATEGORY, options, RECOMMENDATION } from '../labels.ts';
import {
  APPRAISAL_FORM, caseKey, NOT_ELIMINATED_REASON, NOT_IDENTIFIED_REASON, NOTIFY_CHANNEL, PROPOSED_MEASURE, STEP_FIELD, WORKBENCH_KEY,
  COMPARISON_RESULT, COMPARISON_STATUS, type CaseComparison, type CaseConsent, type CaseView,
} from '../cases.ts';

/**
 * The forms of a case: one per procedure step (only the steps the server lists as available for
 * this user), and the consent of one member. The server checks everything again; its errors go
 * under the field they name, the rest (clauses such as Q22, Q42) into an alert above the form.
 */

type Values = Record<string, unknown>;

/** Form values → request body: dates as YYYY-MM-DD, text trimmed, empty values left out. */
export function toBody(v: unknown): unknown {
  if (dayjs.isDayjs(v)) return v.format('YYYY-MM-DD');
  if (typeof v === 'string') return v.trim() || undefined;
  if (Array.isArray(v)) return v.map(toBody);
  if (v && typeof v === 'object') {
    const out: Values = {};
    for (const [k, x] of Object.entries(v)) {
      const b = toBody(x);
      if (b !== undefined && b !== null) out[k] = b;
    }
    return out;
  }
  return v;
}

/** `proposedMeasures[0].type` → 拟采取的帮扶措施 第1项 · 类型 */
function fieldName(path: string): string {
  const m = /^(\w+)\[(\d+)\]\.?(\w*)$/.exec(path);
  if (m) return `${label(STEP_FIELD, m[1])} 第${Number(m[2]) + 1}项${m[3] ? ` · ${m[3] === 'type' ? '类型' : '内容'}` : ''}`;
  return label(STEP_FIELD, path);
}

/** After any change to a case: what else shows it (workbench, lists, the household). */
export function useCaseChanged() {
  const qc = useQueryClient();
  return (c: CaseView) => {
    qc.setQueryData(caseKey(c.id), c);
    for (const key of [WORKBENCH_KEY, ['cases'], ['household'], ['household-cases']]) void qc.invalidateQueries({ queryKey: key });
  };
}

/** A modal with one form; server errors shown on it; 409 offers a reload. */
export function CaseFormModal({
  title, name, initialValues, onClose, submit, onStale, okText = '提交', intro, width = 640, children,
}: {
  title: string;
  name: string;
  initialValues: Values;
  onClose: () => void;
  /** Sends the form values; a thrown ApiError is shown on the form. */
  submit: (values: Values) => Promise<void>;
  /** After a 409 (someone else moved the case): reload. */
  onStale?: () => void;
  okText?: string;
  intro?: ReactNode;
  width?: number;
  children: ReactNode;
}) {
  const [form] = Form.useForm<Values>();
  const [problems, setProblems] = useState<FieldError[]>([]);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);

  async function onFinish(v: Values) {
    setBusy(true);
    setProblems([]);
    setStale(false);
    try {
      await submit(v);
      onClose();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && onStale) setStale(true);
      if (e instanceof ApiError) setProblems(applyServerErrors(form, e.errors));
      else setProblems([{ path: '', message: String(e) }]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={title} open onCancel={onClose} onOk={() => form.submit()} okText={okText} okButtonProps={{ loading: busy }} width={width} destroyOnHidden>
      {intro}
      {stale && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title="案件已由他人办理或已变化，请刷新后再办理"
          action={<Button size="small" onClick={() => { onStale?.(); onClose(); }}>刷新</Button>}
        />
      )}
      {problems.length > 0 && (
        <Alert
          data-testid="case-form-errors"
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title="办理未成功"
          description={problems.map((p, i) => <div key={i}>{p.path ? `${fieldName(p.path)}：${p.message}` : p.message}</div>)}
        />
      )}
      <Form<Values> form={form} name={name} layout="vertical" initialValues={initialValues} onFinish={onFinish}>
        {children}
      </Form>
    </Modal>
  );
}

const required = (what: string) => [{ required: true, message: `请填写${what}` }];
const chosen = (what: string) => [{ required: true, message: `请选择${what}` }];

function DateItem({ name, today, notAfterToday = true, rules }: { name: string; today: string; notAfterToday?: boolean; rules?: object[] }) {
  return (
    <Form.Item name={name} label={STEP_FIELD[name]} rules={rules ?? chosen(STEP_FIELD[name]!)}>
      <DatePicker style={{ width: '100%' }} disabledDate={notAfterToday ? (d: Dayjs) => d.isAfter(today, 'day') : undefined} />
    </Form.Item>
  );
}

const TextItem = ({ name, rows, max = 500, optional = false, extra }: { name: string; rows?: number; max?: number; optional?: boolean; extra?: ReactNode }) => (
  <Form.Item name={name} label={STEP_FIELD[name]} rules={optional ? [] : required(STEP_FIELD[name]!)} extra={extra}>
    {rows ? <Input.TextArea rows={rows} maxLength={max} showCount /> : <Input maxLength={max} />}
  </Form.Item>
);

const NotifyItem = () => (
  <Form.Item name="notifyChannel" label={STEP_FIELD.notifyChannel} rules={chosen('告知农户的方式')} extra="绿色通道的每一步都要告知农户，系统记录告知情况（Q29）">
    <Select options={options(NOTIFY_CHANNEL)} />
  </Form.Item>
);

const CategoryItem = ({ optional = false, extra }: { optional?: boolean; extra?: ReactNode }) => (
  <Form.Item name="category" label={STEP_FIELD.category} rules={optional ? [] : chosen('监测类别')} extra={extra}>
    <Select allowClear={optional} options={options(MONITORING_CATEGORY)} placeholder={optional ? '按评估结论' : undefined} />
  </Form.Item>
);

/** The township's list of proposed measures (Q27): at least one. */
function ProposedMeasures() {
  return (
    <Form.List
      name="proposedMeasures"
      rules={[{ validator: async (_, v) => { if (!v?.length) throw new Error('请至少提出一项帮扶措施（Q27）'); } }]}
    >
      {(fields, { add, remove }, { errors }) => (
        <Form.Item label={STEP_FIELD.proposedMeasures} required>
          {fields.map((f) => (
            <Row gutter={8} key={f.key} data-testid={`measure-${f.name}`}>
              <Col span={8}>
                <Form.Item name={[f.name, 'type']} rules={chosen('措施类型')}>
                  <Select options={options(PROPOSED_MEASURE)} placeholder="措施类型" />
                </Form.Item>
              </Col>
              <Col span={14}>
                <Form.Item name={[f.name, 'description']} rules={required('措施内容')}>
                  <Input maxLength={500} placeholder="具体措施，如：申请医疗救助、安排公益性岗位" />
                </Form.Item>
              </Col>
              <Col span={2}>
                {fields.length > 1 && <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} aria-label="删除措施" />}
              </Col>
            </Row>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})}>增加一项措施</Button>
          <Form.ErrorList errors={errors} />
        </Form.Item>
      )}
    </Form.List>
  );
}

interface StepForm {
  initial?: (today: string, c: CaseView) => Values;
  intro?: (c: CaseView) => ReactNode;
  fields: (c: CaseView, today: string) => ReactNode;
}

const reasonOnly: StepForm = { fields: () => <TextItem name="reason" rows={3} /> };
const info = (text: ReactNode) => <Alert type="info" showIcon style={{ marginBottom: 16 }} title={text} />;

/** One form per step action (fields as src/domain/identification-case.ts and procedure-steps.ts parse them). */
const STEP_FORMS: Record<string, StepForm> = {
  record_verification: {
    initial: (today) => ({ occurredOn: dayjs(today) }),
    intro: () => info('入户核实家庭成员、收入支出和风险情况；保存时系统按登记数据评估本户并留存评估快照（Q22）。'),
    fields: (_c, today) => (
      <>
        <DateItem name="occurredOn" today={today} />
        <TextItem name="visitors" max={200} extra="如：村干部、驻村工作队员" />
        <TextItem name="findings" rows={4} max={2000} />
      </>
    ),
  },
  record_appraisal: {
    initial: (today) => ({ heldOn: dayjs(today), result: 'passed' }),
    intro: () => info('须在全体计入家庭人口的成员签署承诺授权书后进行民主评议（Q22、Q44）。'),
    fields: (_c, today) => (
      <>
        <Form.Item name="form" label={STEP_FIELD.form} rules={chosen('评议形式')}>
          <Select options={options(APPRAISAL_FORM)} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}><DateItem name="heldOn" today={today} /></Col>
          <Col span={12}>
            <Form.Item name="attendance" label={STEP_FIELD.attendance} rules={required('参会人数')}>
              <InputNumber min={1} max={10000} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="result" label={STEP_FIELD.result} rules={chosen('评议结果')}>
          <Radio.Group options={[{ value: 'passed', label: '通过' }, { value: 'not_passed', label: '未通过' }]} />
        </Form.Item>
        <TextItem name="minutes" rows={3} max={2000} optional />
      </>
    ),
  },
  start_notice: {
    initial: (today) => ({ startOn: dayjs(today), endOn: dayjs(today).add(4, 'day') }),
    intro: () => info('公示只在村内进行一次，不少于5天（起止日均计入），乡镇、县级不再重复公示；公示内容不含身份证号、手机号、银行账号和健康状况（Q41、Q42、Q47）。'),
    fields: () => (
      <>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="startOn" label={STEP_FIELD.startOn} rules={chosen('公示开始日期')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="endOn" label={STEP_FIELD.endOn} rules={chosen('公示结束日期')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <TextItem name="objectionUnit" max={100} extra="如：××乡镇乡村振兴工作站、村民委员会" />
        <TextItem name="objectionPhone" max={30} extra="只能留办公电话或12317，不得公布个人手机号（Q47）" />
      </>
    ),
  },
  end_notice: {
    initial: () => ({ objections: 0, objectionsUpheld: false }),
    intro: () => info('公示期满（最后一天的次日起）方可登记公示结果（Q42）。'),
    fields: () => (
      <>
        <Form.Item name="objections" label={STEP_FIELD.objections} rules={required('异议件数')}>
          <InputNumber min={0} max={10000} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <TextItem name="objectionSummary" rows={3} max={2000} optional extra="有异议时须写明异议内容及核实处理情况" />
        <Form.Item name="objectionsUpheld" label={STEP_FIELD.objectionsUpheld} valuePropName="checked" extra="异议经核实成立的，不能继续认定，应结案并说明原因">
          <Switch checkedChildren="成立" unCheckedChildren="不成立" />
        </Form.Item>
      </>
    ),
  },
  township_review: {
    // Measures are proposed with the identification list (Q27); an elimination review gives its opinion only.
    initial: (_today, c) => (c.kind === 'elimination' ? {} : { proposedMeasures: [{}] }),
    intro: (c) =>
      info(c.kind === 'elimination'
        ? '乡镇审核村级提出的风险消除名单，报县级审核批准（Q46）。'
        : '村级上报拟纳入名单时同时上报帮扶措施；乡镇审核时须提出拟采取的帮扶措施（Q27）。'),
    fields: (c) => (
      <>
        <TextItem name="opinion" rows={3} max={1000} />
        {c.kind !== 'elimination' && <ProposedMeasures />}
      </>
    ),
  },
  township_return: reasonOnly,
  county_approve: {
    intro: (c) => {
      if (c.kind === 'elimination')
        return info('批准时系统按当日数据重新评估本户，各项风险消除条件均满足方可批准；批准之日即为风险消除日期，有期限的帮扶措施继续落实到期（Q28、Q30–Q37）。');
      const a = c.assessments.filter((x) => x.stage === 'verification').at(-1)?.result;
      return info(
        <>
          县级批准之日即为识别日期（绿色通道案件以纳入绿色通道之日为准，Q45）；批准时系统重新评估本户。
          {a && <div>入户核实时评估结论：{label(RECOMMENDATION, a.recommendation)}{a.category ? `（${label(MONITORING_CATEGORY, a.category)}）` : ''}。如评估结论不是“建议识别”仍予纳入，须注明监测类别和理由（Q7、Q12）。</div>}
        </>,
      );
    },
    fields: (c) => c.kind === 'elimination' ? null : (
      <>
        <CategoryItem optional extra="不选则按评估结论确定类别" />
        <TextItem name="reason" rows={3} max={1000} optional />
      </>
    ),
  },
  county_reject: reasonOnly,
  county_return: reasonOnly,
  announce: {
    initial: (today) => ({ announcedOn: dayjs(today) }),
    fields: (_c, today) => (
      <>
        <DateItem name="announcedOn" today={today} />
        <TextItem name="documentNumber" max={100} optional />
      </>
    ),
  },
  enter_system: {
    initial: (today) => ({ enteredOn: dayjs(today) }),
    intro: () => info('县级批准后10天内录入全国防止返贫监测和衔接推进乡村振兴信息系统（Q45）。'),
    fields: (_c, today) => (
      <>
        <DateItem name="enteredOn" today={today} />
        <TextItem name="systemRef" max={100} optional />
      </>
    ),
  },
  close: {
    fields: (c) => (
      <>
        <Form.Item name="reasonCode" label={STEP_FIELD.reasonCode} rules={chosen('结案原因')}>
          <Select options={options(c.kind === 'identification' ? NOT_IDENTIFIED_REASON : NOT_ELIMINATED_REASON)} />
        </Form.Item>
        <TextItem name="reason" rows={3} />
      </>
    ),
  },
  green_confirm_village: {
    intro: () => info('因灾、因意外事故等导致生活陷入严重困难、事实清楚、急需帮扶的，经村、乡镇两级确认后由县级纳入绿色通道（Q29）。'),
    fields: () => (
      <>
        <TextItem name="facts" rows={4} max={1000} />
        <NotifyItem />
      </>
    ),
  },
  green_enter: {
    intro: () => info('纳入绿色通道后即可先行帮扶；1个月内完成核实认定，纳入日期即为识别日期（Q29、Q45）。'),
    fields: () => (
      <>
        <CategoryItem />
        <NotifyItem />
      </>
    ),
  },
  green_exit: {
    intro: () => info('经核实不符合监测对象识别条件的，县级备注说明情况后退出绿色通道，同时中止相关帮扶措施（Q29）。'),
    fields: () => (
      <>
        <TextItem name="reason" rows={3} />
        <NotifyItem />
      </>
    ),
  },
};
STEP_FORMS.green_confirm_township = STEP_FORMS.green_confirm_village!;

/** The form of one step; posts it with the case version the user saw. */
export function StepModal({ view, step, today, onClose }: { view: CaseView; step: { action: string; label: string }; today: string; onClose: () => void }) {
  const def = STEP_FORMS[step.action] ?? { fields: () => null };
  const changed = useCaseChanged();
  const qc = useQueryClient();
  const { message } = App.useApp();
  return (
    <CaseFormModal
      title={step.label}
      name="step"
      width={step.action === 'township_review' ? 760 : 640}
      initialValues={def.initial?.(today, view) ?? {}}
      intro={def.intro?.(view)}
      onClose={onClose}
      onStale={() => void qc.invalidateQueries({ queryKey: caseKey(view.id) })}
      submit={async (v) => {
        const next = await api.post<CaseView>(`/cases/${view.id}/steps/${step.action}`, { ...(toBody(v) as Values), version: view.version });
        message.success(`已办理：${step.label}`);
        changed(next);
      }}
    >
      {def.fields(view, today)}
    </CaseFormModal>
  );
}

/** One member's authorization commitment (承诺授权书, Q22), possibly signed by another member with a written delegation. */
export function ConsentModal({ view, consent, today, onClose }: { view: CaseView; consent: CaseConsent; today: string; onClose: () => void }) {
  const changed = useCaseChanged();
  const { message } = App.useApp();
  const others = view.consents.filter((m) => m.memberId !== consent.memberId);
  return (
    <CaseFormModal
      title={`登记签署承诺授权书：${consent.name}`}
      name="consent"
      okText="登记"
      initialValues={{ signedOn: dayjs(today) }}
      intro={info('家庭成员须签署承诺授权书，承诺所提供情况真实可靠并授权查询、核对家庭收入、财产、支出等信息；特殊情况可书面委托其他成员代签（Q22）。')}
      onClose={onClose}
      submit={async (v) => {
        const next = await api.post<CaseView>(`/cases/${view.id}/consents`, { ...(toBody(v) as Values), memberId: consent.memberId });
        message.success(`已登记 ${consent.name} 的承诺授权书`);
        changed(next);
      }}
    >
      <DateItem name="signedOn" today={today} />
      <Form.Item name="delegateMemberId" label={STEP_FIELD.delegateMemberId} extra="本人签署的不选；由其他成员代签时选择代签人并注明书面委托">
        <Select allowClear placeholder="本人签署" options={others.map((m) => ({ value: m.memberId, label: m.name }))} />
      </Form.Item>
      <Form.Item noStyle dependencies={['delegateMemberId']}>
        {({ getFieldValue }) =>
          getFieldValue('delegateMemberId') ? (
            <Form.Item name="delegationNote" label={STEP_FIELD.delegationNote} rules={required('书面委托情况')}>
              <Input.TextArea rows={2} maxLength={500} placeholder="如：外出务工，书面委托户主代签" />
            </Form.Item>
          ) : null
        }
      </Form.Item>
    </CaseFormModal>
  );
}

/** Steps that send a case back or end it (shown in red). */
export const isBackwardStep = (action: string) => /return|reject|close|exit/.test(action);

/** Buttons of the steps this user may take now, each opening its form. */
export function StepButtons({ view, today }: { view: CaseView; today: string }) {
  const [open, setOpen] = useState<{ action: string; label: string } | null>(null);
  if (view.availableSteps.length === 0) return null;
  return (
    <>
      <Space wrap data-testid="step-buttons">
        {view.availableSteps.map((s, i) => (
          <Button key={s.action} type={i === 0 && !isBackwardStep(s.action) ? 'primary' : 'default'} danger={isBackwardStep(s.action)} onClick={() => setOpen(s)}>
            {s.label}
          </Button>
        ))}
      </Space>
      {open && <StepModal view={view} step={open} today={today} onClose={() => setOpen(null)} />}
    </>
  );
}

export const NoStepsHint = () => (
  <Typography.Text type="secondary">当前没有需要您办理的步骤。</Typography.Text>
);

/**
 * 信息比对 (PRC-2, Q43): requested beside the procedure once every counted member signed (Q22);
 * the result is recorded when the departments answer.
 */
export function ComparisonCard({ view, canAct, today }: { view: CaseView; canAct: boolean; today: string }) {
  const changed = useCaseChanged();
  const { message } = App.useApp();
  const [result, setResult] = useState<CaseComparison | null>(null);
  const pending = view.comparisons.some((k) => k.status === 'pending');
  const request = async () => {
    try {
      const next = await api.post<CaseView>(`/cases/${view.id}/comparisons`, {});
      message.success(next.comparisons.at(-1)?.status === 'skipped' ? '近三个月内已比对，免于重复比对（Q43）' : '已发起信息比对');
      changed(next);
    } catch (e) {
      message.error(e instanceof ApiError ? e.errors.map((x: FieldError) => x.message).join('；') : String(e));
    }
  };
  return (
    <>
      <Space direction="vertical" style={{ width: '100%' }} data-testid="case-comparisons">
        {view.comparisons.length === 0 && <Typography.Text type="secondary">尚未发起信息比对（与认定程序同步进行，须全体家庭成员签署承诺授权书）</Typography.Text>}
        {view.comparisons.map((k) => (
          <Space key={k.id} wrap>
            <span>{k.requestedOn} 发起</span>
            <Typography.Text strong>{label(COMPARISON_STATUS, k.status)}</Typography.Text>
            {k.result && <span>{label(COMPARISON_RESULT, k.result)}（{k.completedOn}）{k.findings ? `：${k.findings}` : ''}</span>}
            {canAct && k.status === 'pending' && <Button size="small" onClick={() => setResult(k)}>登记比对结果</Button>}
          </Space>
        ))}
        {canAct && !pending && !view.outcome && <Button onClick={request}>发起信息比对</Button>}
      </Space>
      {result && (
        <CaseFormModal
          title="登记信息比对结果"
          name="comparison"
          okText="登记"
          initialValues={{ completedOn: dayjs(today), result: 'no_issue' }}
          onClose={() => setResult(null)}
          submit={async (v) => {
            const next = await api.post<CaseView>(`/cases/${view.id}/comparisons/${result.id}/result`, { ...(toBody(v) as Values), version: result.version });
            message.success('已登记比对结果');
            changed(next);
          }}
        >
          <Form.Item name="result" label="比对结果" rules={required('比对结果')}>
            <Radio.Group options={options(COMPARISON_RESULT)} />
          </Form.Item>
          <Form.Item name="findings" label="比对发现">
            <Input.TextArea rows={3} maxLength={2000} placeholder="发现异常时写明比对发现的情况" />
          </Form.Item>
          <DateItem name="completedOn" today={today} />
        </CaseFormModal>
      )}
    </>
  );
}
