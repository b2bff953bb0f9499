import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { Alert, App, Button, Card, DatePicker, Empty, Form, Input, Modal, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { ApiError, api, firstMessage, type FieldError } from '../api.ts';
import { ErrorResult } from '../components/ErrorResult.tsx';
import { RegionCascader } from '../components/RegionCascader.tsx';
import { applyServerErrors } from '../forms.ts';
import { PageSpin } from '../App.tsx';
import { fmtTime } from '../imports/imports.ts';
import { describeIntakePath, type ApiToken, type IssuedToken } from '../intake/intake.ts';
import { ReasonModal } from './ReasonModal.tsx';
import type { UserView } from '../../../src/app/users/views.ts';

const TOKENS_KEY = ['api-tokens'] as const;

interface IssueValues {
  userId?: number;
  name?: string;
  regionCode?: string;
  expiresOn?: Dayjs;
}

/** 签发令牌: for an enabled department account, limited to its region (or a part of it). */
function IssueModal({ open, onClose, onIssued }: { open: boolean; onClose: () => void; onIssued: (t: IssuedToken) => void }) {
  const [form] = Form.useForm<IssueValues>();
  // The security admin has no 工作台 (the server's date): the browser's date only limits the picker.
  const today = dayjs().format('YYYY-MM-DD');
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<FieldError[] | null>(null);
  const users = useQuery({
    queryKey: ['users', 'department-accounts'],
    queryFn: () => api.get<{ items: UserView[]; total: number }>('/users', { role: 'department', state: 'active', pageSize: 200 }),
    enabled: open,
  });

  async function finish(v: IssueValues) {
    setBusy(true);
    setProblems(null);
    try {
      onIssued(await api.post<IssuedToken>('/api-tokens', {
        userId: v.userId, name: v.name?.trim(), regionCode: v.regionCode ?? null, expiresOn: v.expiresOn ? v.expiresOn.format('YYYY-MM-DD') : null,
      }));
      form.resetFields();
    } catch (e) {
      if (e instanceof ApiError && (e.status === 400 || e.status === 422)) setProblems(applyServerErrors(form, e.errors));
      else setProblems(e instanceof ApiError ? e.errors : [{ path: '', message: firstMessage(e) }]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title="签发接口令牌" open={open} onCancel={onClose} onOk={() => form.submit()} okText="签发" confirmLoading={busy} destroyOnHidden width={600}>
      <Typography.Paragraph type="secondary">
        接口令牌供行业部门系统调用“报送预警”接口（Authorization: Bearer jbt_…），以该部门账号的身份报送本部门类别的预警。令牌等同密码，只在签发时显示一次。
      </Typography.Paragraph>
      {users.error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={`部门账号加载失败：${firstMessage(users.error)}`} />}
      {problems && problems.length > 0 && (
        <Alert type="error" showIcon style={{ marginBottom: 16 }} data-testid="modal-error"
          title={problems.map((p) => (p.path ? `${describeIntakePath(p.path)}：${p.message}` : p.message)).join('；')} />
      )}
      <Form<IssueValues> form={form} name="token" layout="vertical" onFinish={finish} autoComplete="off" preserve={false}>
        <Form.Item name="userId" label="行业部门账号" rules={[{ required: true, message: '请选择部门账号' }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            loading={users.isFetching}
            placeholder="选择启用中的行业部门账号"
            notFoundContent={users.isFetching ? '加载中…' : '没有启用中的行业部门账号（请系统管理员先创建）'}
            options={(users.data?.items ?? []).map((u) => ({
              value: u.id, label: `${u.displayName}（${u.username}）· ${u.departmentKindName ?? '未设部门类别'} · ${u.regionName ?? u.regionCode}`,
            }))}
          />
        </Form.Item>
        <Form.Item name="name" label="用途" rules={[{ required: true, whitespace: true, message: '请填写用途' }]}>
          <Input maxLength={100} placeholder="如：医保系统推送" />
        </Form.Item>
        <Form.Item name="regionCode" label="限定区划" extra="不填为该账号的区划；只能是账号区划内的区域">
          <RegionCascader changeOnSelect allowClear placeholder="该账号的区划" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="expiresOn" label="有效期至" extra="不填为长期有效（可随时吊销）">
          <DatePicker disabledDate={(d) => d.format('YYYY-MM-DD') < today} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The secret, shown once: whoever closes this window cannot see it again. */
function TokenOnceModal({ token, onClose }: { token: IssuedToken | null; onClose: () => void }) {
  return (
    <Modal
      title="接口令牌已签发"
      open={!!token}
      onOk={onClose}
      onCancel={onClose}
      cancelButtonProps={{ style: { display: 'none' } }}
      okText="我已保存"
      closable={false}
      mask={{ closable: false }}
      width={640}
    >
      {token && (
        <>
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            title="令牌只显示这一次"
            description="请立即复制，通过安全渠道交给部门系统的管理人员并配置到其系统中。系统只保存令牌的摘要，关闭本窗口后任何人都无法再查看；遗失的请吊销后重新签发。"
          />
          <Typography.Paragraph>
            账号：<b>{token.username}</b>（{token.departmentName}），用途：{token.name}
          </Typography.Paragraph>
          <Typography.Paragraph>
            <Typography.Text code copyable data-testid="api-token" style={{ wordBreak: 'break-all' }}>{token.token}</Typography.Text>
          </Typography.Paragraph>
        </>
      )}
    </Modal>
  );
}

/**
 * 接口令牌 (WRN-1) for the security admin: the department systems' credentials — who has one,
 * for what, where it may report, when it was last used; issue (shown once) and revoke with a reason.
 */
export default function ApiTokensPage() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const q = useQuery({ queryKey: TOKENS_KEY, queryFn: () => api.get<{ items: ApiToken[] }>('/api-tokens') });
  const [issuing, setIssuing] = useState(false);
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  if (q.isPending) return <PageSpin />;
  if (q.error) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;

  const columns: TableColumnsType<ApiToken> = [
    { title: '用途', dataIndex: 'name', ellipsis: true },
    { title: '部门账号', dataIndex: 'username', width: 170, render: (v, t) => `${v}（${t.departmentName}）` },
    { title: '限定区划', dataIndex: 'regionName', width: 160, ellipsis: true, render: (v, t) => v ?? t.regionCode },
    { title: '令牌前缀', dataIndex: 'prefix', width: 120, render: (v) => <span className="jb-mono">{v}…</span> },
    { title: '有效期至', dataIndex: 'expiresOn', width: 110, render: (v) => v ?? '长期' },
    { title: '签发时间', dataIndex: 'createdAt', width: 160, render: (v: string) => fmtTime(v) },
    { title: '最近使用', dataIndex: 'lastUsedAt', width: 160, render: (v: string | null) => (v ? fmtTime(v) : '未使用') },
    { title: '调用次数', dataIndex: 'useCount', width: 90, align: 'right' },
    {
      title: '状态', key: 'state', width: 200,
      render: (_, t) => {
        if (!t.active) return <Space size={4} wrap><Tag color="default">已吊销</Tag><Typography.Text type="secondary">{t.revokeReason}</Typography.Text></Space>;
        if (t.expiresOn && t.expiresOn < dayjs().format('YYYY-MM-DD')) return <Tag color="orange">已过期</Tag>;
        return <Tag color="green">有效</Tag>;
      },
    },
    {
      title: '操作', key: 'op', width: 80, fixed: 'right',
      render: (_, t) => (t.active ? <Button type="link" size="small" danger onClick={() => setRevoking(t)}>吊销</Button> : null),
    },
  ];

  return (
    <>
      <div className="jb-page-title">
        <h2>接口令牌</h2>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setIssuing(true)}>签发令牌</Button>
      </div>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="行业部门系统以接口令牌调用预警报送接口。令牌只保存摘要；每次调用记入审计日志。部门账号停用后其令牌随即失效。"
      />
      <Card styles={{ body: { padding: 0 } }}>
        <Table<ApiToken>
          data-testid="token-list"
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={q.data.items}
          loading={q.isFetching}
          scroll={{ x: 1400 }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, style: { paddingInline: 16 } }}
          locale={{ emptyText: <Empty description="还没有签发接口令牌" /> }}
        />
      </Card>
      <IssueModal
        open={issuing}
        onClose={() => setIssuing(false)}
        onIssued={(t) => {
          setIssuing(false);
          setIssued(t);
          void qc.invalidateQueries({ queryKey: TOKENS_KEY });
        }}
      />
      <TokenOnceModal token={issued} onClose={() => setIssued(null)} />
      <ReasonModal<{ reason: string }>
        title={revoking ? `吊销令牌：${revoking.name}` : '吊销令牌'}
        open={!!revoking}
        okText="吊销"
        danger
        onClose={() => setRevoking(null)}
        description={<Typography.Paragraph type="secondary">吊销后该令牌立即失效，部门系统的调用将被拒绝；不能恢复，需要时重新签发。</Typography.Paragraph>}
        onSubmit={async (v) => {
          await api.post(`/api-tokens/${revoking!.id}/revoke`, { reason: v.reason });
          setRevoking(null);
          message.success('令牌已吊销');
          void qc.invalidateQueries({ queryKey: TOKENS_KEY });
        }}
      />
    </>
  );
}
