import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api, ApiError, firstMessage, type FieldError } from '../api.ts';
import { ErrorResult } from '../components/ErrorResult.tsx';
import { RegionCascader } from '../components/RegionCascader.tsx';
import { applyServerErrors, describePath } from '../forms.ts';
import { DEPARTMENT_KIND, label, options, ROLE } from '../labels.ts';
import { PageSpin } from '../App.tsx';

interface UserRow {
  id: number;
  username: string;
  displayName: string;
  role: string;
  departmentKind: string | null;
  regionCode: string;
  disabled: boolean;
  lockedUntil: string | null;
  mustChangePassword: boolean;
}

interface NewUser {
  username: string;
  displayName: string;
  role: string;
  departmentKind?: string;
  regionCode: string;
}

const LEVEL_HINT: Record<string, string> = {
  province: '省级账号选到省', city: '市级账号选到市', county: '县级账号选到县', township: '乡镇账号选到乡镇', village: '村级账号选到村',
  national: '国家级账号（演示）选到省',
};

/** 用户管理 (system admin): list and create accounts; the initial password is shown once. */
export default function UsersPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<{ username: string; initialPassword: string } | null>(null);
  const [problems, setProblems] = useState<FieldError[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<NewUser>();
  const role = Form.useWatch('role', form);
  const q = useQuery({ queryKey: ['users'], queryFn: () => api.get<UserRow[]>('/users') });

  if (q.isPending) return <PageSpin />;
  if (q.error) return <ErrorResult error={q.error} onRetry={() => q.refetch()} />;

  async function onCreate(v: NewUser) {
    setBusy(true);
    setProblems(null);
    try {
      const r = await api.post<{ id: number; username: string; initialPassword: string }>('/users', {
        username: v.username.trim(), displayName: v.displayName.trim(), role: v.role, regionCode: v.regionCode,
        departmentKind: v.role === 'department' ? v.departmentKind : undefined,
      });
      setOpen(false);
      form.resetFields();
      setCreated({ username: r.username, initialPassword: r.initialPassword });
      await qc.invalidateQueries({ queryKey: ['users'] });
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) setProblems(applyServerErrors(form, e.errors));
      else message.error(firstMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const columns: TableColumnsType<UserRow> = [
    { title: '用户名', dataIndex: 'username', width: 160 },
    { title: '姓名/名称', dataIndex: 'displayName' },
    { title: '角色', dataIndex: 'role', width: 200, render: (v, r) => `${label(ROLE, v)}${r.departmentKind ? `·${label(DEPARTMENT_KIND, r.departmentKind)}` : ''}` },
    { title: '所属区划代码', dataIndex: 'regionCode', width: 140, render: (v) => <span className="jb-mono">{v}</span> },
    {
      title: '状态', key: 'state', width: 200,
      render: (_, r) => (
        <>
          {r.disabled ? <Tag color="red">停用</Tag> : <Tag color="green">正常</Tag>}
          {r.lockedUntil && new Date(r.lockedUntil) > new Date() && <Tag color="orange">锁定中</Tag>}
          {r.mustChangePassword && <Tag color="blue">待改初始密码</Tag>}
        </>
      ),
    },
  ];

  return (
    <>
      <div className="jb-page-title">
        <h2>用户管理</h2>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => { setProblems(null); setOpen(true); }}>
          新建用户
        </Button>
      </div>
      <Card styles={{ body: { padding: 0 } }}>
        <Table<UserRow> rowKey="id" size="middle" columns={columns} dataSource={q.data} pagination={{ defaultPageSize: 50, showSizeChanger: true, showTotal: (t) => `共 ${t} 个账号`, style: { paddingInline: 16 } }} />
      </Card>
      <Modal title="新建用户" open={open} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={busy} okText="创建" destroyOnHidden width={560}>
        {problems && problems.length > 0 && (
          <Alert type="error" showIcon style={{ marginBottom: 16 }} title={problems.map((p) => (p.path ? `${describePath(p.path)}：${p.message}` : p.message)).join('；')} />
        )}
        <Form<NewUser> form={form} name="newUser" layout="vertical" onFinish={onCreate}>
          <Form.Item name="username" label="用户名" rules={[{ required: true, message: '请输入用户名' }, { pattern: /^[A-Za-z0-9_.-]{3,64}$/, message: '3-64位字母、数字或 _ . -' }]}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label="姓名/名称" rules={[{ required: true, message: '请输入姓名或单位名称' }]}>
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item name="role" label="角色" rules={[{ required: true, message: '请选择角色' }]} extra="系统管理员、安全管理员、审计管理员三员分立，一个账号只能有一个角色">
            <Select options={options(ROLE)} />
          </Form.Item>
          {role === 'department' && (
            <Form.Item name="departmentKind" label="部门类别" rules={[{ required: true, message: '请选择部门类别' }]}>
              <Select options={options(DEPARTMENT_KIND)} />
            </Form.Item>
          )}
          <Form.Item name="regionCode" label="所属区划" rules={[{ required: true, message: '请选择所属区划' }]} extra={LEVEL_HINT[role ?? ''] ?? '账号只能查看和办理该区划及其下级的业务'}>
            <RegionCascader />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        title="用户已创建"
        open={!!created}
        onOk={() => setCreated(null)}
        onCancel={() => setCreated(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
        okText="我已记下"
        mask={{ closable: false }}
      >
        {created && (
          <>
            <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="初始密码只显示这一次，请当面或通过安全渠道交给用户；用户首次登录须修改密码。" />
            <Typography.Paragraph>
              用户名：<Typography.Text strong>{created.username}</Typography.Text>
            </Typography.Paragraph>
            <Typography.Paragraph>
              初始密码：<Typography.Text code copyable data-testid="initial-password">{created.initialPassword}</Typography.Text>
            </Typography.Paragraph>
          </>
        )}
      </Modal>
    </>
  );
}
