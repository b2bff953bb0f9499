import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Descriptions, Empty, Form, Input, Space, Table, Tag, Tooltip, Typography, type DescriptionsProps, type TableColumnsType } from 'antd';
import { CheckCircleOutlined, EditOutlined, NotificationOutlined, PlusOutlined, WarningOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../api.ts';
import { actionLabel, MEASURE_STATUS, MEASURE_STATUS_COLOR, planKey, type HouseholdPlan, type MeasureView, type PlanView } from '../assistance.ts';
import { textOrNull, toIsoDate } from '../forms.ts';
import { label } from '../labels.ts';
import { MeasureFields, measurePayload, MeasureStatusModal, newMeasure, SubmitModal, type MeasureFormValues } from './AssistanceModals.tsx';
import { ErrorResult } from './ErrorResult.tsx';

type Dialog = 'create' | 'measure' | 'publish' | 'edit' | null;

const DEADLINE_COLOR: Record<string, string> = { open: 'blue', due_soon: 'orange', overdue: 'red', closed: 'green' };
const DEADLINE_TEXT: Record<string, string> = { open: '未到期', due_soon: '即将到期', overdue: '已逾期', closed: '已完成' };

/** Dates of a measure's steps, in one cell. */
function steps(m: MeasureView) {
  const parts = [
    m.startedOn && `实施 ${m.startedOn}`,
    m.implementedOn && `完成 ${m.implementedOn}`,
    m.endedOn && `结束 ${m.endedOn}`,
    m.suspendedOn && `暂停 ${m.suspendedOn}：${m.suspendedReason ?? ''}`,
  ].filter(Boolean);
  return parts.length ? parts.map((p) => <div key={p as string}>{p}</div>) : '—';
}

/** The plan's facts: proposal, village publication and its 10-day deadline (Q27). */
function planItems(plan: PlanView): DescriptionsProps['items'] {
  const deadline = plan.publicationDeadline;
  return [
    { key: 'proposed', label: '提出日期', children: plan.proposedOn },
    { key: 'published', label: '村内公示', children: plan.publishedOn ?? <Tag color="orange">未公示</Tag> },
    {
      key: 'deadline', label: '公示期限（Q27）',
      children: deadline ? (
        <Space size={4}>
          {deadline.dueOn}
          <Tag color={DEADLINE_COLOR[deadline.status]}>{DEADLINE_TEXT[deadline.status] ?? deadline.status}</Tag>
        </Space>
      ) : '—',
    },
    { key: 'case', label: '认定案件', children: plan.caseId ?? '—' },
    ...(plan.developmentDeclinedReason ? [{ key: 'declined', label: '无发展意愿说明', span: 2, children: plan.developmentDeclinedReason }] : []),
    ...(plan.note ? [{ key: 'note', label: '备注', span: 2, children: plan.note }] : []),
  ];
}

/**
 * A household's assistance plan and measures (AST-1…4, Q23–Q28): the plan, its village
 * publication and 10-day deadline, the Q8/Q23/Q24 checks, and the measures with their
 * status buttons. The server decides who may do what; buttons follow its `canWritePlan`,
 * `canUpdate` and `nextStatuses`.
 */
export function PlanSection({ householdId }: { householdId: number }) {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: planKey(householdId), queryFn: () => api.get<HouseholdPlan>(`/households/${householdId}/plan`) });
  const [dialog, setDialog] = useState<Dialog>(null);
  const [change, setChange] = useState<{ measure: MeasureView; to: string } | null>(null);
  // Publishing closes the case's plan deadline (Q27): the case list and workbench change too.
  const refresh = () => {
    for (const key of [planKey(householdId), ['household-cases'], ['cases'], ['workbench']]) void qc.invalidateQueries({ queryKey: key });
  };
  const close = () => setDialog(null);

  if (q.isPending) return <Card title="帮扶计划与措施" loading style={{ marginTop: 16 }} />;
  if (q.error) return <Card title="帮扶计划与措施" style={{ marginTop: 16 }}><ErrorResult error={q.error} onRetry={() => q.refetch()} /></Card>;
  const { plan, measures, checks, canWritePlan, monitoringStatus } = q.data;
  const eligible = monitoringStatus !== 'none';

  const columns: TableColumnsType<MeasureView> = [
    {
      title: '措施类型', dataIndex: 'typeName', width: 170,
      render: (v, m) => (
        <Space size={4} wrap>
          {v}
          {m.developmental && <Tag color="green">开发式</Tag>}
          {m.fallback && <Tag color="purple">兜底</Tag>}
        </Space>
      ),
    },
    { title: '措施内容', dataIndex: 'description', ellipsis: true },
    { title: '责任部门', dataIndex: 'departmentName', width: 130 },
    { title: '计划开始', dataIndex: 'plannedStart', width: 110 },
    {
      title: '期限', dataIndex: 'periodEnd', width: 150,
      render: (v, m) => (m.endRule !== 'fixed' ? <Tooltip title={`${m.endRuleName}（Q28）`}>{v} <Tag>{m.endRuleName.replace('持续至', '')}</Tag></Tooltip> : v ?? '—'),
    },
    { title: '状态', dataIndex: 'status', width: 90, render: (v) => <Tag color={MEASURE_STATUS_COLOR[v]}>{label(MEASURE_STATUS, v)}</Tag> },
    { title: '办理情况', key: 'steps', width: 200, render: (_, m) => steps(m) },
    {
      title: '操作', key: 'op', width: 170, fixed: 'right',
      render: (_, m) => (
        <Space size={0} wrap>
          {m.nextStatuses.map((to) => (
            <Button key={to} type="link" size="small" danger={to === 'suspended'} onClick={() => setChange({ measure: m, to })}>
              {actionLabel(m.status, to)}
            </Button>
          ))}
        </Space>
      ),
    },
  ];

  return (
    <Card
      title="帮扶计划与措施"
      style={{ marginTop: 16 }}
      data-testid="plan-section"
      extra={
        canWritePlan && (
          <Space wrap>
            {!plan && eligible && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog('create')}>
                制定帮扶计划
              </Button>
            )}
            {plan && (
              <>
                <Button icon={<PlusOutlined />} onClick={() => setDialog('measure')}>
                  新增措施
                </Button>
                <Button icon={<EditOutlined />} onClick={() => setDialog('edit')}>
                  编辑计划
                </Button>
                {!plan.publishedOn && (
                  <Button type="primary" icon={<NotificationOutlined />} onClick={() => setDialog('publish')}>
                    村内公示
                  </Button>
                )}
              </>
            )}
          </Space>
        )
      }
    >
      {plan ? (
        <Descriptions size="small" column={{ xs: 1, md: 2, xl: 4 }} style={{ marginBottom: 16 }} items={planItems(plan)} />
      ) : (
        <Empty
          style={{ marginBottom: 16 }}
          description={eligible ? '尚未制定帮扶计划：识别为监测对象后都要落实帮扶措施（Q23），县级批准后10日内制定计划并在村内公示（Q27）' : '非监测对象，无需制定帮扶计划'}
        />
      )}
      {eligible && (
        <Space orientation="vertical" style={{ width: '100%', marginBottom: 16 }} data-testid="plan-checks">
          {checks.map((c) => (
            <Typography.Text key={c.rule} type={c.ok ? 'success' : 'warning'}>
              {c.ok ? <CheckCircleOutlined /> : <WarningOutlined />} {c.message}（{c.clause}）
            </Typography.Text>
          ))}
        </Space>
      )}
      {measures.length > 0 && (
        <Table<MeasureView> rowKey="id" size="small" columns={columns} dataSource={measures} pagination={false} scroll={{ x: 1200 }} />
      )}

      <SubmitModal<{ proposedOn: Dayjs; note?: string; measures: MeasureFormValues[] }>
        title="制定帮扶计划"
        width={720}
        open={dialog === 'create'}
        initialValues={{ proposedOn: dayjs(), measures: [newMeasure()] }}
        onClose={close}
        submit={async (v) => {
          await api.post(`/households/${householdId}/plan`, {
            proposedOn: toIsoDate(v.proposedOn), note: textOrNull(v.note), measures: (v.measures ?? []).map(measurePayload),
          });
          refresh();
        }}
      >
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title="有劳动能力、有意愿的监测户至少落实一项产业就业等开发式帮扶措施（Q24）；直接发钱发物、入股分红不属于开发式帮扶（Q25）" />
        <Form.Item name="proposedOn" label="提出日期" rules={[{ required: true, message: '请选择日期' }]}>
          <DatePicker style={{ width: 200 }} />
        </Form.Item>
        <Form.List name="measures">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f, i) => (
                <Card
                  key={f.key}
                  size="small"
                  title={`措施 ${i + 1}`}
                  style={{ marginBottom: 12 }}
                  extra={fields.length > 1 && <Button type="link" size="small" danger onClick={() => remove(f.name)}>删除</Button>}
                >
                  <MeasureFields list="measures" index={f.name} />
                </Card>
              ))}
              <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add(newMeasure())} style={{ marginBottom: 16 }}>
                再加一项措施
              </Button>
            </>
          )}
        </Form.List>
        <Form.Item name="note" label="备注">
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
      </SubmitModal>

      <SubmitModal<MeasureFormValues>
        title="新增帮扶措施"
        width={720}
        open={dialog === 'measure'}
        initialValues={newMeasure()}
        onClose={close}
        submit={async (v) => {
          await api.post(`/households/${householdId}/plan/measures`, measurePayload(v));
          refresh();
        }}
      >
        <MeasureFields />
      </SubmitModal>

      {plan && (
        <>
          <SubmitModal<{ publishedOn: Dayjs }>
            title="帮扶计划村内公示"
            open={dialog === 'publish'}
            okText="确认已公示"
            initialValues={{ publishedOn: dayjs() }}
            onClose={close}
            submit={async (v) => {
              await api.post(`/households/${householdId}/plan/publish`, { version: plan.version, publishedOn: toIsoDate(v.publishedOn) });
              refresh();
            }}
          >
            <Typography.Paragraph type="secondary">制定帮扶计划并在村级公示须在县级批准后10天内完成（Q27）。公示内容不得包含身份证号、电话、银行账号和健康状况（Q47）。</Typography.Paragraph>
            <Form.Item name="publishedOn" label="公示日期" rules={[{ required: true, message: '请选择日期' }]}>
              <DatePicker style={{ width: 200 }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
            </Form.Item>
          </SubmitModal>
          <SubmitModal<{ note?: string; developmentDeclinedReason?: string }>
            title="编辑帮扶计划"
            open={dialog === 'edit'}
            initialValues={{ note: plan.note ?? undefined, developmentDeclinedReason: plan.developmentDeclinedReason ?? undefined }}
            onClose={close}
            submit={async (v) => {
              await api.patch(`/households/${householdId}/plan`, {
                version: plan.version, note: textOrNull(v.note), developmentDeclinedReason: textOrNull(v.developmentDeclinedReason),
              });
              refresh();
            }}
          >
            <Form.Item
              name="developmentDeclinedReason"
              label="无发展意愿说明（Q24）"
              extra="有劳动能力但本户明确不愿接受产业就业等开发式帮扶时填写；填写后不列入“有劳力无开发式措施”清单，仍列入“仅兜底”清单（Q8）"
            >
              <Input.TextArea rows={2} maxLength={500} />
            </Form.Item>
            <Form.Item name="note" label="备注">
              <Input.TextArea rows={2} maxLength={1000} />
            </Form.Item>
          </SubmitModal>
        </>
      )}
      <MeasureStatusModal change={change} onClose={() => setChange(null)} onSaved={refresh} />
    </Card>
  );
}
