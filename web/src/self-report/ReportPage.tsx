import { useState, type ReactNode } from 'react';
import { Alert, Button, Card, Checkbox, Form, Input, List, Result, Spin, Steps, Tabs, Typography, type FormInstance } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { api, ApiError, errorPathToName, firstMessage } from '../api.ts';
import { COMMITMENT_TEXT, DIFFICULTY_CODES, DIFFICULTY_TYPES, MAX_CONSENT_MEMBERS, MAX_DESCRIPTION, PUBLIC_STATUSES, PUBLIC_STATUS_NAMES } from '../../../src/domain/self-report.ts';
import { proofOfWork, type Proof } from './pow.ts';
import { VillagePicker } from './VillagePicker.tsx';

/** What one tab hands to another: the code just received and the head's ID number. */
interface Carry {
  refCode?: string;
  headIdNumber?: string;
  headName?: string;
}

type Phase = 'idle' | 'verifying' | 'sending';

/**
 * Sends a public form: solves a fresh proof of work first (the spinner says 正在验证…), then
 * posts. Field errors go on their fields (the server names each path); others are returned.
 */
function usePublicSubmit<T>(form: FormInstance) {
  const [phase, setPhase] = useState<Phase>('idle');
  const [error, setError] = useState<string | null>(null);
  async function submit(send: (p: Proof) => Promise<T>): Promise<T | null> {
    setError(null);
    try {
      setPhase('verifying');
      const proof = await proofOfWork();
      setPhase('sending');
      return await send(proof);
    } catch (e) {
      if (e instanceof ApiError) {
        const fields = e.errors.filter((x) => x.path && x.path !== 'challenge' && x.path !== 'nonce');
        form.setFields(fields.map((x) => ({ name: errorPathToName(x.path) as any, errors: [x.message] })));
        const rest = e.errors.filter((x) => !fields.includes(x));
        if (rest.length || !fields.length) setError(rest.map((x) => x.message).join('；') || firstMessage(e));
      } else setError(firstMessage(e));
      return null;
    } finally {
      setPhase('idle');
    }
  }
  return { phase, error, submit };
}

function Busy({ phase, children }: { phase: Phase; children: ReactNode }) {
  const tip = phase === 'verifying' ? '正在验证…' : phase === 'sending' ? '正在提交…' : undefined;
  return (
    <Spin spinning={phase !== 'idle'} description={tip} size="large" data-testid="public-busy">
      {children}
    </Spin>
  );
}

const idRules = (what: string) => [
  { required: true, message: `请输入${what}` },
  { pattern: /^\s*\d{17}[\dXx]\s*$/, message: `${what}应为18位，末位可为X` },
];
const codeRules = [{ required: true, message: '请输入申报编号' }];

// ---- 申报 ----

interface ReportValues {
  headName: string;
  headIdNumber: string;
  phone: string;
  villageCode: string;
  difficulties: string[];
  description?: string;
}

function ReportTab({ onDone }: { onDone: (c: Carry, go: 'consent' | 'status') => void }) {
  const [form] = Form.useForm<ReportValues>();
  const { phase, error, submit } = usePublicSubmit<{ refCode: string; message: string }>(form);
  const [done, setDone] = useState<{ refCode: string; message: string; headIdNumber: string; headName: string } | null>(null);

  if (done)
    return (
      <Result
        status="success"
        style={{ padding: '24px 0' }}
        title="申报已提交"
        subTitle={done.message}
        extra={
          <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
            <Card styles={{ body: { padding: 16 } }}>
              <Typography.Text type="secondary">您的申报编号</Typography.Text>
              <div data-testid="ref-code" className="jb-mono" style={{ fontSize: 30, fontWeight: 700, letterSpacing: 4, margin: '8px 0', userSelect: 'all' }}>
                {done.refCode}
              </div>
              <Alert type="warning" showIcon title="请抄写或截图保存申报编号。查询进度、签署承诺授权书都要用到它和户主身份证号；编号丢失无法找回。" />
            </Card>
            <Button type="primary" size="large" block onClick={() => onDone(done, 'consent')}>
              签署家庭成员承诺授权书
            </Button>
            <Button size="large" block onClick={() => onDone(done, 'status')}>
              查询办理进度
            </Button>
            <Button type="link" onClick={() => { form.resetFields(); setDone(null); }}>
              再申报一户
            </Button>
          </div>
        }
      />
    );

  return (
    <Busy phase={phase}>
      <Form<ReportValues>
        form={form}
        name="report"
        layout="vertical"
        size="large"
        requiredMark
        onFinish={async (v) => {
          const r = await submit((p) => api.post('/public/self-reports', { ...p, ...v, description: v.description?.trim() || null }));
          if (r) setDone({ ...r, headIdNumber: v.headIdNumber.trim(), headName: v.headName.trim() });
        }}
      >
        <Typography.Paragraph type="secondary">
          家庭遇到困难、担心返贫致贫的，可以在这里申报。村干部收到后会与您联系并入户核实。
        </Typography.Paragraph>
        <Form.Item name="headName" label="户主姓名" rules={[{ required: true, whitespace: true, message: '请输入户主姓名' }]}>
          <Input maxLength={30} autoComplete="name" />
        </Form.Item>
        <Form.Item name="headIdNumber" label="户主身份证号" rules={idRules('户主身份证号')}>
          <Input maxLength={18} inputMode="text" autoComplete="off" />
        </Form.Item>
        <Form.Item name="phone" label="联系电话" rules={[{ required: true, message: '请输入联系电话' }]}>
          <Input maxLength={20} inputMode="tel" autoComplete="tel" />
        </Form.Item>
        <Form.Item name="villageCode" label="所在村（社区）" rules={[{ required: true, message: '请选择到村（社区）' }]}>
          <VillagePicker id="report_village" />
        </Form.Item>
        <Form.Item name="difficulties" label="遇到的困难（可多选）" rules={[{ required: true, message: '请至少选择一项困难类型' }]}>
          <Checkbox.Group style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 8, width: '100%' }}>
            {DIFFICULTY_CODES.map((c) => (
              <Checkbox key={c} value={c} style={{ padding: '10px 8px', border: '1px solid #d9d9d9', borderRadius: 6, marginInlineStart: 0, fontSize: 16 }}>
                {DIFFICULTY_TYPES[c]}
              </Checkbox>
            ))}
          </Checkbox.Group>
        </Form.Item>
        <Form.Item name="description" label="困难情况说明" extra="简要说明发生了什么、什么时候开始（选择“其他”时必填）">
          <Input.TextArea rows={4} maxLength={MAX_DESCRIPTION} showCount />
        </Form.Item>
        {error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={error} />}
        <Button type="primary" htmlType="submit" block size="large" style={{ height: 48 }} disabled={phase !== 'idle'}>
          提交申报
        </Button>
      </Form>
    </Busy>
  );
}

// ---- 签署承诺授权书 ----

interface ConsentValues {
  refCode: string;
  headIdNumber: string;
  members: { name: string; idNumber: string; consent?: boolean }[];
}

function ConsentTab({ carry }: { carry: Carry }) {
  const [form] = Form.useForm<ConsentValues>();
  const { phase, error, submit } = usePublicSubmit<{ message: string; signatures: { name: string; idNumber: string; signedAt: string }[] }>(form);
  const [done, setDone] = useState<{ message: string; signatures: { name: string; idNumber: string; signedAt: string }[] } | null>(null);
  const first = carry.headName ? [{ name: carry.headName, idNumber: carry.headIdNumber ?? '' }] : [{}];

  return (
    <Busy phase={phase}>
      <Card size="small" title="承诺授权书" style={{ marginBottom: 16, background: '#fffbe6' }} data-testid="commitment-text">
        <Typography.Paragraph style={{ marginBottom: 0, fontSize: 15, lineHeight: 1.8 }}>{COMMITMENT_TEXT}</Typography.Paragraph>
      </Card>
      <Typography.Paragraph type="secondary">
        认定监测对象前，所有家庭成员都要签署承诺授权书（Q22）。请每位成员本人阅读后填写并勾选同意；特殊情况须书面委托他人签署的，请联系村委会。
      </Typography.Paragraph>
      {done && (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="consent-done"
          title={done.message}
          description={
            <List
              size="small"
              dataSource={done.signatures}
              renderItem={(s) => (
                <List.Item>
                  {s.name}（{s.idNumber}） 已签署 {dayjs(s.signedAt).format('YYYY-MM-DD HH:mm')}
                </List.Item>
              )}
            />
          }
        />
      )}
      <Form<ConsentValues>
        form={form}
        name="consent"
        layout="vertical"
        size="large"
        initialValues={{ refCode: carry.refCode, headIdNumber: carry.headIdNumber, members: first }}
        onFinish={async (v) => {
          const r = await submit((p) =>
            api.post('/public/self-reports/consents', {
              ...p, refCode: v.refCode, headIdNumber: v.headIdNumber.trim(),
              members: v.members.map((m) => ({ name: m.name?.trim(), idNumber: m.idNumber?.trim(), consent: !!m.consent })),
            }),
          );
          if (r) setDone(r);
        }}
      >
        <Form.Item name="refCode" label="申报编号" rules={codeRules}>
          <Input maxLength={20} autoComplete="off" style={{ textTransform: 'uppercase' }} />
        </Form.Item>
        <Form.Item name="headIdNumber" label="户主身份证号" rules={idRules('户主身份证号')}>
          <Input maxLength={18} autoComplete="off" />
        </Form.Item>
        <Form.List name="members">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f, i) => (
                <Card
                  key={f.key}
                  size="small"
                  title={`家庭成员 ${i + 1}`}
                  style={{ marginBottom: 12 }}
                  extra={fields.length > 1 && <Button type="text" danger icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} aria-label={`删除家庭成员 ${i + 1}`} />}
                >
                  <Form.Item name={[f.name, 'name']} label="姓名" rules={[{ required: true, whitespace: true, message: '请输入姓名' }]}>
                    <Input maxLength={30} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'idNumber']} label="身份证号" rules={idRules('身份证号')}>
                    <Input maxLength={18} autoComplete="off" />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'consent']}
                    valuePropName="checked"
                    style={{ marginBottom: 0 }}
                    rules={[{ validator: (_, v) => (v ? Promise.resolve() : Promise.reject(new Error('须本人阅读并勾选同意承诺授权书'))) }]}
                  >
                    <Checkbox style={{ fontSize: 16, padding: '6px 0' }}>本人已阅读并同意上述承诺授权</Checkbox>
                  </Form.Item>
                </Card>
              ))}
              {fields.length < MAX_CONSENT_MEMBERS && (
                <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add({})} style={{ marginBottom: 16 }}>
                  添加家庭成员
                </Button>
              )}
            </>
          )}
        </Form.List>
        {error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={error} />}
        <Button type="primary" htmlType="submit" block size="large" style={{ height: 48 }} disabled={phase !== 'idle'}>
          提交承诺授权
        </Button>
      </Form>
    </Busy>
  );
}

// ---- 查询进度 ----

interface StatusAnswer {
  status: (typeof PUBLIC_STATUSES)[number];
  statusName: string;
  reportedOn: string;
}

function StatusTab({ carry }: { carry: Carry }) {
  const [form] = Form.useForm<{ refCode: string; headIdNumber: string }>();
  const { phase, error, submit } = usePublicSubmit<StatusAnswer>(form);
  const [answer, setAnswer] = useState<StatusAnswer | null>(null);
  const current = answer ? PUBLIC_STATUSES.indexOf(answer.status) : 0;

  return (
    <Busy phase={phase}>
      <Form
        form={form}
        name="status"
        layout="vertical"
        size="large"
        initialValues={{ refCode: carry.refCode, headIdNumber: carry.headIdNumber }}
        onValuesChange={() => setAnswer(null)}
        onFinish={async (v) => {
          setAnswer(null);
          const r = await submit((p) => api.post('/public/self-reports/status', { ...p, refCode: v.refCode, headIdNumber: v.headIdNumber.trim() }));
          if (r) setAnswer(r);
        }}
      >
        <Form.Item name="refCode" label="申报编号" rules={codeRules}>
          <Input maxLength={20} autoComplete="off" style={{ textTransform: 'uppercase' }} />
        </Form.Item>
        <Form.Item name="headIdNumber" label="户主身份证号" rules={idRules('户主身份证号')}>
          <Input maxLength={18} autoComplete="off" />
        </Form.Item>
        {error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={error} />}
        <Button type="primary" htmlType="submit" block size="large" style={{ height: 48 }} disabled={phase !== 'idle'}>
          查询进度
        </Button>
      </Form>
      {answer && (
        <Card style={{ marginTop: 16 }} data-testid="status-answer">
          <Typography.Title level={4} style={{ marginTop: 0 }} data-testid="status-name">
            {answer.statusName}
          </Typography.Title>
          <Typography.Paragraph type="secondary">申报日期：{answer.reportedOn}</Typography.Paragraph>
          <Steps
            orientation="vertical"
            size="small"
            current={current}
            status={answer.status === 'result' ? 'finish' : 'process'}
            items={PUBLIC_STATUSES.map((s) => ({ title: s === 'result' ? (answer.status === 'result' ? answer.statusName : '结果') : PUBLIC_STATUS_NAMES[s] }))}
          />
        </Card>
      )}
    </Busy>
  );
}

/**
 * 农户自主申报 (WRN-5, Q22, Q52): the public page, no login, made for a phone (390 px). Three tabs —
 * 申报 (the report, with the village chosen level by level), 签署承诺授权书 (each member's
 * commitment) and 查询进度 (the status by reference code and head ID number). Every submission
 * first solves a proof of work in the browser.
 */
export default function ReportPage() {
  const [tab, setTab] = useState('report');
  const [carry, setCarry] = useState<Carry>({});
  // Remount a tab when it gets a new code, so its form starts from it.
  const [round, setRound] = useState(0);

  return (
    <div style={{ minHeight: '100%', background: '#f5f5f5' }}>
      <div style={{ background: '#0f3a72', color: '#fff', padding: '16px 16px 12px' }}>
        <div style={{ fontSize: 20, fontWeight: 600 }}>农户自主申报</div>
        <div style={{ fontSize: 13, opacity: 0.85 }}>防止返贫动态监测和帮扶 · 也可拨打 12317 申报</div>
      </div>
      <div style={{ maxWidth: 560, margin: '0 auto', padding: '8px 16px 32px' }}>
        <Tabs
          activeKey={tab}
          onChange={setTab}
          centered
          size="large"
          items={[
            {
              key: 'report', label: '申报',
              children: <ReportTab onDone={(c, go) => { setCarry(c); setRound((n) => n + 1); setTab(go); }} />,
            },
            { key: 'consent', label: '签署承诺授权书', children: <ConsentTab key={`c${round}`} carry={carry} /> },
            { key: 'status', label: '查询进度', children: <StatusTab key={`s${round}`} carry={carry} /> },
          ]}
        />
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, textAlign: 'center', marginTop: 24 }}>
          您填写的信息仅用于防止返贫动态监测和帮扶，依法保护个人信息。
        </Typography.Paragraph>
      </div>
    </div>
  );
}
