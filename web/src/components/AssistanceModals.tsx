import { useState, type ReactNode } from 'react';
import { Alert, Col, DatePicker, Form, Input, Modal, Row, Select, Switch, type FormInstance } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, type FieldError } from '../api.ts';
import { actionLabel, useCatalogue, type MeasureView } from '../assistance.ts';
import { textOrNull, toIsoDate, submitProblems } from '../forms.ts';
import { DEPARTMENT_KIND, options } from '../labels.ts';

/** Labels of the assistance API's field names, for error summaries. */
const FIELD: Record<string, string> = {
  type: '措施类型', description: '措施内容', plannedStart: '计划开始日期', periodEnd: '结束日期', departmentKind: '责任部门',
  form: '帮扶形式', developmental: '是否开发式帮扶', measures: '帮扶措施', proposedOn: '提出日期', publishedOn: '公示日期',
  status: '状态', on: '日期', reason: '原因', version: '版本', note: '备注', developmentDeclinedReason: '无发展意愿说明', caseId: '认定案件',
};
const describe = (e: FieldError) => {
  const last = e.path.split('.').pop()?.replace(/\[\d+\]$/, '') ?? '';
  return e.path ? `${FIELD[last] ?? e.path}：${e.message}` : e.message;
};

/**
 * A modal with one form that sends it on OK. A 400 puts each message under its field; anything
 * else (403, 409, 422 with the clause) is shown above the form.
 */
export function SubmitModal<T>({
  title, open, initialValues, onClose, submit, children, okText = '保存', width = 600,
}: {
  title: ReactNode;
  open: boolean;
  initialValues?: Partial<T>;
  onClose: () => void;
  submit: (values: T, form: FormInstance<T>) => Promise<void>;
  children: ReactNode;
  okText?: string;
  width?: number;
}) {
  const [form] = Form.useForm<T>();
  const [problems, setProblems] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  async function onFinish(v: T) {
    setBusy(true);
    setProblems([]);
    try {
      await submit(v, form);
      onClose();
    } catch (e) {
      setProblems(submitProblems(form, e));
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
      okText={okText}
      okButtonProps={{ loading: busy }}
      destroyOnHidden
      width={width}
      afterOpenChange={(visible) => !visible && setProblems([])}
    >
      {problems.length > 0 && (
        <Alert data-testid="assistance-errors" type="error" showIcon style={{ marginBottom: 16 }} title="未能保存" description={problems.map((p, i) => <div key={i}>{describe(p)}</div>)} />
      )}
      <Form<T> form={form} layout="vertical" initialValues={initialValues} onFinish={onFinish}>
        {children}
      </Form>
    </Modal>
  );
}

export interface MeasureFormValues {
  type?: string;
  description?: string;
  plannedStart?: Dayjs | null;
  periodEnd?: Dayjs | null;
  departmentKind?: string;
  form?: string | null;
  developmental?: boolean;
}

/** '' = no line department (rural revitalization bureau / township). */
const NO_DEPARTMENT = '';

/** The API body of a new measure (src/domain/measures.ts `checkMeasure`). */
export function measurePayload(v: MeasureFormValues) {
  return {
    type: v.type ?? null,
    description: textOrNull(v.description),
    plannedStart: toIsoDate(v.plannedStart),
    periodEnd: toIsoDate(v.periodEnd),
    ...(v.departmentKind !== undefined ? { departmentKind: v.departmentKind === NO_DEPARTMENT ? null : v.departmentKind } : {}),
    form: v.form || null,
    ...(v.type === 'other' ? { developmental: !!v.developmental } : {}),
  };
}

export const newMeasure = (): MeasureFormValues => ({ plannedStart: dayjs(), developmental: false });

/**
 * The fields of one measure, alone in a form or as item `index` of the Form.List `list` (whose
 * fields take names relative to the list, while watching and setting take the full path).
 */
export function MeasureFields({ list, index }: { list?: string; index?: number }) {
  const catalogue = useCatalogue().data;
  const form = Form.useFormInstance();
  const name = index === undefined ? [] : [index];
  const path = list === undefined ? [] : [list, index!];
  const type: string | undefined = Form.useWatch([...path, 'type'], form);
  const entry = catalogue?.types.find((e) => e.type === type);
  const endName = entry && entry.endRule !== 'fixed' ? catalogue!.periodEndNames[entry.endRule] : '计划结束日期';
  const typeOptions = (catalogue?.types ?? []).map((e) => ({
    value: e.type,
    label: `${e.name}${e.developmental ? '（开发式）' : ''}${e.fallback ? '（兜底）' : ''}`,
  }));
  const departments = [{ value: NO_DEPARTMENT, label: '乡村振兴部门/乡镇' }, ...options(DEPARTMENT_KIND)];
  return (
    <>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item
            name={[...name, 'type']}
            label="措施类型"
            rules={[{ required: true, message: '请选择措施类型' }]}
            extra={entry ? `${entry.clause}${entry.endRule !== 'fixed' ? `；${catalogue!.endRules[entry.endRule]}（Q28）` : ''}` : undefined}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={typeOptions}
              placeholder="请选择"
              onChange={(t: string) => {
                const kind = catalogue?.types.find((e) => e.type === t)?.departmentKind;
                form.setFieldValue([...path, 'departmentKind'], kind ?? NO_DEPARTMENT);
              }}
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={[...name, 'departmentKind']} label="责任部门">
            <Select options={departments} placeholder="按目录默认" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name={[...name, 'description']} label="措施内容" rules={[{ required: true, message: '请填写措施内容' }]}>
        <Input.TextArea rows={2} maxLength={500} placeholder="如：发展蔬菜种植 5 亩，给予产业奖补" />
      </Form.Item>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name={[...name, 'plannedStart']} label="计划开始日期" rules={[{ required: true, message: '请选择日期' }]}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name={[...name, 'periodEnd']}
            label={endName}
            rules={entry && entry.endRule !== 'fixed' ? [{ required: true, message: `请填写${endName}（Q28）` }] : []}
          >
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col span={type === 'other' ? 12 : 24}>
          <Form.Item name={[...name, 'form']} label="帮扶形式（Q25 不属于开发式的情形）">
            <Select allowClear placeholder="无（按措施类型认定）" options={Object.entries(catalogue?.excludedForms ?? {}).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
        </Col>
        {type === 'other' && (
          <Col span={12}>
            <Form.Item name={[...name, 'developmental']} label="属于开发式帮扶（Q25）" valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
        )}
      </Row>
    </>
  );
}

/** Moves a measure to `to` on a date (with the reason for a suspension). */
export function MeasureStatusModal({ change, onClose, onSaved }: { change: { measure: MeasureView; to: string } | null; onClose: () => void; onSaved: () => void }) {
  const m = change?.measure;
  return (
    <SubmitModal<{ on: Dayjs; reason?: string }>
      title={m ? `${actionLabel(m.status, change!.to)}：${m.typeName}` : ''}
      open={!!change}
      initialValues={{ on: dayjs() }}
      onClose={onClose}
      okText="确定"
      submit={async (v) => {
        await api.patch(`/measures/${m!.id}`, { version: m!.version, status: change!.to, on: toIsoDate(v.on), reason: textOrNull(v.reason) });
        onSaved();
      }}
    >
      {m && change!.to === 'ended' && m.endRule !== 'fixed' && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title={`${m.endRuleName}（${m.periodEnd}），风险消除后也应延续（Q28）`} />
      )}
      <Form.Item name="on" label="日期" rules={[{ required: true, message: '请选择日期' }]}>
        <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
      </Form.Item>
      <Form.Item name="reason" label="原因" rules={change?.to === 'suspended' ? [{ required: true, message: '暂停须填写原因' }] : []}>
        <Input.TextArea rows={2} maxLength={500} />
      </Form.Item>
    </SubmitModal>
  );
}
