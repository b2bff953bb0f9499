import { useState } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Form, Input, Select, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api, firstMessage } from '../api.ts';
import { useMe } from '../auth/auth.ts';
import { RegionCascader } from '../components/RegionCascader.tsx';
import { DEPARTMENT_KIND, options, ROLE } from '../labels.ts';
import { useUrlList } from '../url-list.ts';
import { fmtTime } from '../pages/AuditPage.tsx';
import { OneTimePasswordModal, type OneTimePassword } from './OneTimePasswordModal.tsx';
import { ReasonModal } from './ReasonModal.tsx';
import { USER_ACTION, USER_STATE } from './labels.ts';
import type { UserAction, UserView } from '../../../src/app/users/views.ts';

const ADMIN_ROLES = ['system_admin', 'security_admin', 'audit_admin'];
const BUSINESS_ROLE_OPTIONS = options(ROLE).filter((o) => !ADMIN_ROLES.includes(o.value));

const LEVEL_HINT: Record<string, string> = {
  province: '省级账号选到省', city: '市级账号选到市', county: '县级账号选到县', township: '乡镇账号选到乡镇', village: '村级账号选到村',
  national: '国家级账号（本部署挂在省）选到省',
};

interface Filters {
  q?: string;
  role?: string;
  state?: string;
}

interface NewUser {
  username: string;
  displayName: string;
  role: string;
  departmentKind?: string;
  regionCode: string;
  reason: string;
}

type Pending = { action: UserAction; user: UserView } | { action: 'create'; user?: undefined } | null;

/** What each action says and sends; reset_password answers with a one-time password. */
const ACTION_TEXT: Record<Exclude<UserAction, 'edit'>, { title: (u: UserView) => string; ok: string; danger?: boolean; note: string }> = {
  disable: { title: (u) => `停用账号 ${u.username}`, ok: '停用', danger: true, note: '停用后该账号立即下线，不能再登录，直至重新启用。' },
  enable: { title: (u) => `启用账号 ${u.username}`, ok: '启用', note: '启用后该账号可用原密码登录。' },
  reset_password: { title: (u) => `重置 ${u.username} 的密码`, ok: '重置密码', danger: true, note: '原密码立即失效，该账号的会话全部结束；系统生成一次性密码，只显示给您一次。' },
  unlock: { title: (u) => `解除 ${u.username} 的锁定`, ok: '解除锁定', note: '请先核实是本人在尝试登录。' },
  reset_two_factor: { title: (u) => `重置 ${u.username} 的双因素认证`, ok: '重置', danger: true, note: '该账号的身份验证器与恢复码作废、会话结束；下次登录时重新绑定（如安全策略要求）。' },
};

function StateTags({ u }: { u: UserView }) {
  return (
    <Space size={[0, 4]} wrap>
      {u.disabled ? <Tag color="red">已停用</Tag> : <Tag color="green">正常</Tag>}
      {u.locked && <Tooltip title={`锁定至 ${fmtTime(u.lockedUntil!)}`}><Tag color="orange">锁定中</Tag></Tooltip>}
      {u.mustChangePassword && (u.oneTimePasswordExpiresAt ? <Tooltip title={`${fmtTime(u.oneTimePasswordExpiresAt)} 前有效`}><Tag color="blue">一次性密码未使用</Tag></Tooltip> : <Tag color="blue">待改密码</Tag>)}
      {u.twoFactorEnabled ? <Tag color="geekblue">双因素已启用</Tag> : u.twoFactorRequired ? <Tag color="gold">须绑定双因素</Tag> : null}
    </Space>
  );
}

/**
 * 用户管理 (SEC-5): the system admin creates, edits, disables, enables and resets business
 * accounts; the security admin unlocks and resets second factors; the audit admin reads. Each row
 * offers what the server says this viewer may do; the three admin accounts are managed by the
 * server command line.
 */
export default function UsersPage() {
  const me = useMe().data!;
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [filterForm] = Form.useForm<Filters>();
  const list = useUrlList(['q', 'role', 'state'] as const, filterForm);
  const [pending, setPending] = useState<Pending>(null);
  const [oneTime, setOneTime] = useState<{ title: string; value: OneTimePassword } | null>(null);
  const q = useQuery({
    queryKey: ['users', list.filters, list.page, list.pageSize],
    queryFn: () => api.get<{ items: UserView[]; total: number }>('/users', { ...list.filters, page: list.page, pageSize: list.pageSize }),
    placeholderData: keepPreviousData,
  });
  const canCreate = me.role === 'system_admin';
  const close = () => setPending(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['users'] });

  async function run(action: UserAction, u: UserView, body: Record<string, unknown>) {
    if (action === 'edit') await api.patch(`/users/${u.id}`, { version: u.version, ...body });
    else if (action === 'reset_password') {
      const r = await api.post<OneTimePassword>(`/users/${u.id}/reset-password`, body);
      setOneTime({ title: '密码已重置', value: r });
    } else await api.post(`/users/${u.id}/${action.replaceAll('_', '-')}`, body);
    close();
    if (action !== 'reset_password') message.success(`已${USER_ACTION[action]}：${u.username}`);
    await refresh();
  }

  const columns: TableColumnsType<UserView> = [
    { title: '用户名', dataIndex: 'username', width: 150, render: (v) => <span className="jb-mono">{v}</span> },
    { title: '姓名/名称', dataIndex: 'displayName', width: 180 },
    { title: '角色', dataIndex: 'roleName', width: 170, render: (v, r) => (r.departmentKindName ? `${v}·${r.departmentKindName}` : v) },
    {
      title: '所属区划', key: 'region', width: 220,
      render: (_, r) => (
        <Tooltip title={r.regionCode}>
          <div>{r.regionName}</div>
          {r.regionPath !== r.regionName && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.regionPath}</Typography.Text>}
        </Tooltip>
      ),
    },
    { title: '状态', key: 'state', width: 220, render: (_, r) => <StateTags u={r} /> },
    { title: '最近登录', dataIndex: 'lastLoginAt', width: 160, render: (v) => (v ? fmtTime(v) : '从未登录') },
    {
      title: '操作', key: 'actions', width: 230, fixed: 'right',
      render: (_, r) =>
        r.managedByCommandLine ? (
          <Tooltip title="三员账号只能在服务器上用命令行管理：npx jianbang admin …"><Tag>命令行管理</Tag></Tooltip>
        ) : r.id === me.id ? (
          <Typography.Text type="secondary">本人（到“账号安全”修改）</Typography.Text>
        ) : r.actions.length === 0 ? (
          <Typography.Text type="secondary">—</Typography.Text>
        ) : (
          <Space size={0} wrap>
            {r.actions.map((a) => (
              <Button key={a} type="link" size="small" danger={a === 'disable' || a === 'reset_password'} onClick={() => setPending({ action: a, user: r })}>
                {USER_ACTION[a]}
              </Button>
            ))}
          </Space>
        ),
    },
  ];

  const p = pending;
  return (
    <>
      <div className="jb-page-title">
        <h2>用户管理</h2>
        {canCreate && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setPending({ action: 'create' })}>
            新建用户
          </Button>
        )}
      </div>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={
          me.role === 'system_admin'
            ? '您管理本辖区的业务账号：新建账号时系统生成一次性密码（只显示一次），用户首次登录须修改。三员账号（系统管理员、安全管理员、审计管理员）只能在服务器上用命令行创建和重置。'
            : me.role === 'security_admin'
              ? '您可以解除被锁定的账号、重置丢失手机用户的双因素认证；账号的创建与停用由系统管理员负责。'
              : '只读：审计管理员可查看账号，不能修改。'
        }
      />
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form<Filters> form={filterForm} layout="inline" name="userFilters" onFinish={list.search} style={{ rowGap: 16 }}>
          <Form.Item name="q" label="查找">
            <Input placeholder="用户名或姓名" allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="role" label="角色">
            <Select allowClear placeholder="全部" options={options(ROLE)} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="state" label="状态">
            <Select allowClear placeholder="全部" options={options(USER_STATE)} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit">查询</Button>
              <Button onClick={list.reset}>重置</Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      {q.error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={firstMessage(q.error)} />}
      <Card styles={{ body: { padding: 0 } }}>
        <Table<UserView>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={q.data?.items ?? []}
          loading={q.isFetching}
          scroll={{ x: 1330 }}
          locale={{ emptyText: <Empty description="没有符合条件的账号" /> }}
          pagination={list.pagination(q.data?.total ?? 0, (t) => `共 ${t} 个账号`)}
        />
      </Card>

      <ReasonModal<NewUser>
        title="新建用户"
        okText="创建"
        width={560}
        open={p?.action === 'create'}
        onClose={close}
        onSubmit={async (v) => {
          const r = await api.post<OneTimePassword>('/users', {
            username: v.username.trim(), displayName: v.displayName.trim(), role: v.role, regionCode: v.regionCode, reason: v.reason,
            departmentKind: v.role === 'department' ? v.departmentKind : undefined,
          });
          close();
          setOneTime({ title: '用户已创建', value: r });
          // Show the new account (the list is ordered by creation, it would be on the last page).
          filterForm.setFieldsValue({ q: r.username, role: undefined, state: undefined });
          list.search({ q: r.username });
          await refresh();
        }}
      >
        <NewUserFields />
      </ReasonModal>

      {p && p.action === 'edit' && (
        <ReasonModal<{ displayName: string; regionCode: string; reason: string }>
          title={`修改账号 ${p.user.username}`}
          okText="保存"
          open
          onClose={close}
          initialValues={{ displayName: p.user.displayName, regionCode: p.user.regionCode }}
          onSubmit={(v) => run('edit', p.user, { displayName: v.displayName.trim(), regionCode: v.regionCode, reason: v.reason })}
        >
          <Form.Item name="displayName" label="姓名/名称" rules={[{ required: true, whitespace: true, message: '请输入姓名或单位名称' }]}>
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item name="regionCode" label="所属区划" rules={[{ required: true, message: '请选择所属区划' }]} extra={LEVEL_HINT[p.user.role] ?? '账号只能查看和办理该区划及其下级的业务'}>
            <RegionCascader />
          </Form.Item>
        </ReasonModal>
      )}

      {p && p.action !== 'edit' && p.action !== 'create' && (
        <ReasonModal
          title={ACTION_TEXT[p.action].title(p.user)}
          okText={ACTION_TEXT[p.action].ok}
          danger={ACTION_TEXT[p.action].danger}
          open
          onClose={close}
          description={<Alert type={ACTION_TEXT[p.action].danger ? 'warning' : 'info'} showIcon style={{ marginBottom: 16 }} title={ACTION_TEXT[p.action].note} />}
          onSubmit={(v) => run(p.action, p.user, { reason: v.reason })}
        />
      )}

      <OneTimePasswordModal title={oneTime?.title ?? ''} value={oneTime?.value ?? null} onClose={() => setOneTime(null)} />
    </>
  );
}

function NewUserFields() {
  const role = Form.useWatch('role', Form.useFormInstance()) as string | undefined;
  return (
    <>
      <Form.Item name="username" label="用户名" rules={[{ required: true, message: '请输入用户名' }, { pattern: /^[A-Za-z0-9_.-]{3,64}$/, message: '3-64位字母、数字或 _ . -' }]}>
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item name="displayName" label="姓名/名称" rules={[{ required: true, whitespace: true, message: '请输入姓名或单位名称' }]}>
        <Input maxLength={50} />
      </Form.Item>
      <Form.Item name="role" label="角色" rules={[{ required: true, message: '请选择角色' }]} extra="三员账号（系统管理员、安全管理员、审计管理员）只能在服务器上用命令行创建">
        <Select options={BUSINESS_ROLE_OPTIONS} />
      </Form.Item>
      {role === 'department' && (
        <Form.Item name="departmentKind" label="部门类别" rules={[{ required: true, message: '请选择部门类别' }]}>
          <Select options={options(DEPARTMENT_KIND)} />
        </Form.Item>
      )}
      <Form.Item name="regionCode" label="所属区划" rules={[{ required: true, message: '请选择所属区划' }]} extra={LEVEL_HINT[role ?? ''] ?? '账号只能查看和办理该区划及其下级的业务'}>
        <RegionCascader />
      </Form.Item>
    </>
  );
}
