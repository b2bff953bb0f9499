import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Space, Table, Tag, type DescriptionsProps, type TableColumnsType } from 'antd';
import { EditOutlined, EyeInvisibleOutlined, EyeOutlined, PlusOutlined } from '@ant-design/icons';
import { api } from '../api.ts';
import { AssessmentSection } from '../components/AssessmentSection.tsx';
import { CaseSection } from '../components/CaseSection.tsx';
import { ErrorResult } from '../components/ErrorResult.tsx';
import { PlanSection } from '../components/PlanSection.tsx';
import { MemberDrawer } from '../components/MemberDrawer.tsx';
import { MemberChangeSection } from '../components/MemberChangeSection.tsx';
import { RecordsSection } from '../components/RecordsSection.tsx';
import { PageSpin } from '../App.tsx';
import {
  HEALTH, LABOR_ABILITY, label, MONITORING_CATEGORY, MONITORING_STATUS, MONITORING_STATUS_COLOR, REGISTRATION, RELATION,
  RESPONSIBILITY_BASIS, SCHOOLING, SEX,
} from '../labels.ts';
import type { HouseholdDetail, Member } from '../types.ts';

export function useHousehold(id: string | undefined, reveal = false) {
  return useQuery({
    queryKey: ['household', id, reveal],
    queryFn: () => api.get<HouseholdDetail>(`/households/${id}`, reveal ? { reveal: 'true' } : undefined),
    enabled: !!id,
    // A revealed view is audited each time it is loaded; do not reload it behind the user's back.
    staleTime: reveal ? Infinity : 10_000,
  });
}

const dash = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : String(v));

export default function HouseholdDetailPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [reveal, setReveal] = useState(false);
  const [drawer, setDrawer] = useState<{ open: boolean; member: Member | null }>({ open: false, member: null });
  const q = useHousehold(id, reveal);

  if (q.isPending) return <PageSpin />;
  if (q.error) return <ErrorResult error={q.error} onRetry={() => q.refetch()} />;
  const h = q.data;
  const head = h.members.find((m) => m.relation === 'head');
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['household', id] });
    void qc.invalidateQueries({ queryKey: ['households'] });
  };

  const info: DescriptionsProps['items'] = [
    { key: 'region', label: '所在区划', span: 2, children: h.regionPath.map((r) => r.name).join(' / ') },
    { key: 'group', label: '村民小组', children: dash(h.villageGroup) },
    { key: 'address', label: '住址', children: dash(h.address) },
    { key: 'poor', label: '户类型', children: h.formerlyPoor ? <Tag color="orange">脱贫户{h.povertyExitYear ? `（${h.povertyExitYear}年脱贫）` : ''}</Tag> : <Tag>一般农户</Tag> },
    { key: 'status', label: '监测状态', children: <Tag color={MONITORING_STATUS_COLOR[h.monitoringStatus]}>{label(MONITORING_STATUS, h.monitoringStatus)}</Tag> },
    { key: 'category', label: '监测类别', children: label(MONITORING_CATEGORY, h.monitoringCategory) },
    { key: 'identified', label: '识别日期', children: dash(h.identifiedOn) },
    { key: 'eliminated', label: '风险消除日期', children: dash(h.eliminatedOn) },
    { key: 'dibao', label: '农村低保', children: h.dibaoSince ? `自 ${h.dibaoSince}` : '否' },
    { key: 'tekun', label: '分散供养特困', children: h.tekunSince ? `自 ${h.tekunSince}` : '否' },
    { key: 'relocated', label: '易地扶贫搬迁', children: h.relocatedSince ? `${h.relocatedSince} 搬迁` : '否' },
    { key: 'fallback', label: '整户无劳动能力兜底', children: h.fallbackSince ? `自 ${h.fallbackSince}` : '否' },
    { key: 'disabled', label: '残疾人家庭', children: h.disabledHouseholdSince ? `自 ${h.disabledHouseholdSince}` : '否' },
    { key: 'basis', label: '责任认定依据', children: label(RESPONSIBILITY_BASIS, h.responsibilityBasis) },
    ...(h.responsibilityReason ? [{ key: 'reason', label: '认定原因', span: 2, children: h.responsibilityReason }] : []),
  ];

  const columns: TableColumnsType<Member> = [
    { title: '姓名', dataIndex: 'name', width: 90, fixed: 'left' },
    { title: '与户主关系', dataIndex: 'relation', width: 100, render: (v) => label(RELATION, v) },
    { title: '身份证号', dataIndex: 'idNumber', width: 190, render: (v) => <span className="jb-mono">{v}</span> },
    { title: '性别', dataIndex: 'sex', width: 60, render: (v) => label(SEX, v) },
    // Beside a masked ID number the server gives the birth year only (the date is the number's hidden digits).
    {
      title: h.sensitiveRevealed ? '出生日期' : '出生年份', dataIndex: 'birthDate', width: 110,
      render: (v: string | null, m) => v ?? `${m.birthYear}年`,
    },
    { title: '户籍', dataIndex: 'registration', width: 90, render: (v) => label(REGISTRATION, v) },
    { title: '劳动能力', dataIndex: 'laborAbility', width: 120, render: (v) => label(LABOR_ABILITY, v) },
    {
      title: '健康状况', dataIndex: 'health', width: 110,
      render: (v, m) => (v === '***' ? '***' : `${label(HEALTH, v)}${m.disabilityGrade ? `（${m.disabilityGrade}级）` : ''}`),
    },
    { title: '在校情况', dataIndex: 'schooling', width: 100, render: (v) => label(SCHOOLING, v) },
    { title: '务工就业', dataIndex: 'employment', width: 120, render: dash },
    { title: '联系电话', dataIndex: 'phone', width: 120, render: (v) => <span className="jb-mono">{dash(v)}</span> },
    { title: '银行账号', dataIndex: 'bankAccount', width: 180, render: (v) => <span className="jb-mono">{dash(v)}</span> },
    {
      title: '共同生活', dataIndex: 'livesTogether', width: 90,
      render: (v, m) => (
        <Space size={4} wrap>
          {v ? '是' : <Tag color="orange">否</Tag>}
          {m.urbanGuarantees && <Tag color="blue">城镇保障</Tag>}
        </Space>
      ),
    },
    ...(h.canEdit
      ? [{
          title: '操作', key: 'op', width: 70, fixed: 'right' as const,
          render: (_: unknown, m: Member) => (
            <Button type="link" size="small" onClick={() => setDrawer({ open: true, member: m })}>
              编辑
            </Button>
          ),
        }]
      : []),
  ];

  return (
    <>
      <div className="jb-page-title">
        <h2>
          农户详情：{head?.name ?? '（无户主）'}户 <Tag style={{ verticalAlign: 'middle' }}>户编号 {h.id}</Tag>
        </h2>
        <Space wrap>
          {h.canRevealSensitive &&
            (reveal ? (
              <Button icon={<EyeInvisibleOutlined />} onClick={() => setReveal(false)}>
                隐藏敏感信息
              </Button>
            ) : (
              <Button icon={<EyeOutlined />} onClick={() => setReveal(true)}>
                查看敏感信息
              </Button>
            ))}
          {h.canEdit && (
            <Button type="primary" icon={<EditOutlined />} onClick={() => navigate(`/households/${h.id}/edit${h.sensitiveRevealed ? '?reveal=1' : ''}`)}>
              编辑
            </Button>
          )}
          <Link to="/households">返回列表</Link>
        </Space>
      </div>
      {h.sensitiveRevealed && (
        <Alert
          data-testid="reveal-notice"
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title="正在显示完整的身份证号、联系电话、银行账号和健康状况"
          description="本次查看已记入审计日志（留痕）。请勿截屏、抄录或对外提供个人信息。"
        />
      )}
      <Card title="农户信息" style={{ marginBottom: 16 }}>
        <Descriptions items={info} column={{ xs: 1, md: 2, xl: 3 }} size="small" bordered />
      </Card>
      <Card
        data-testid="members"
        title={`家庭成员（${h.members.length}人）`}
        extra={
          h.canEdit && (
            <Button icon={<PlusOutlined />} onClick={() => setDrawer({ open: true, member: null })}>
              新增成员
            </Button>
          )
        }
        styles={{ body: { padding: 0 } }}
      >
        <Table<Member> rowKey="id" size="middle" columns={columns} dataSource={h.members} pagination={false} scroll={{ x: 1500 }} />
      </Card>
      <CaseSection household={h} />
      <MemberChangeSection household={h} />
      <RecordsSection household={h} />
      <AssessmentSection household={h} />
      <PlanSection householdId={h.id} />
      <MemberDrawer
        householdId={h.id}
        member={drawer.member}
        open={drawer.open}
        revealed={h.sensitiveRevealed}
        onClose={() => setDrawer((d) => ({ ...d, open: false }))}
        onSaved={refresh}
      />
    </>
  );
}
