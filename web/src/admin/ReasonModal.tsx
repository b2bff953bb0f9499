import { useState, type ReactNode } from 'react';
import { Alert, Form, Input, Modal } from 'antd';
import { type FieldError } from '../api.ts';
import { describePath, submitProblems } from '../forms.ts';

/**
 * Every account and security action asks why (the reason goes to the audit log). Extra fields go
 * in `children`; a 400 puts each error under its field, anything else is shown above the form.
 */
export function ReasonModal<T extends { reason: string }>({
  title, open, okText, danger, onClose, onSubmit, children, initialValues, description, width,
}: {
  title: string;
  open: boolean;
  okText: string;
  danger?: boolean;
  onClose: () => void;
  onSubmit: (v: T) => Promise<void>;
  children?: ReactNode;
  initialValues?: Partial<T>;
  description?: ReactNode;
  width?: number;
}) {
  const [form] = Form.useForm<T>();
  const [problems, setProblems] = useState<FieldError[] | null>(null);
  const [busy, setBusy] = useState(false);

  async function finish(v: T) {
    setBusy(true);
    setProblems(null);
    try {
      await onSubmit({ ...v, reason: v.reason.trim() });
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
      okButtonProps={{ danger }}
      confirmLoading={busy}
      destroyOnHidden
      width={width ?? 520}
    >
      {description}
      {problems && problems.length > 0 && (
        <Alert
          data-testid="modal-error"
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={problems.map((p) => (p.path ? `${describePath(p.path)}：${p.message}` : p.message)).join('；')}
        />
      )}
      <Form<T> form={form} name="action" layout="vertical" onFinish={finish} initialValues={initialValues as any} autoComplete="off" preserve={false}>
        {children}
        <Form.Item name="reason" label="原因" rules={[{ required: true, whitespace: true, message: '请填写原因（记入审计日志）' }]} extra="原因记入审计日志">
          <Input.TextArea rows={2} maxLength={500} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
