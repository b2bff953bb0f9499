import { useUrlList } from '../url-list.ts';
import { Link, useNavigate } from 'react-router-dom';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Form, Input, Select, Space, Table, Tag, type TableColumnsType } from 'antd';
import { PlusOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { api, firstMessage } from '../api.ts';
import { useMe } from '../auth.ts';
import { ExportButton } from '../components/ExportButton.tsx';
import { RegionCascader } from '../components/RegionCascader.tsx';
import { HANDLING_ROLES, label, MONITORING_CATEGORY, MONITORING_STATUS, MONITORING_STATUS_COLOR, options } from '../labels.ts';
import type { HouseholdListItem, Page } from '../types.ts';

interface Filters {
  regionCode?: string;
  q?: string;
  monitoringStatus?: string;
  formerlyPoor?: string;
}
const FILTER_KEYS = ['regionCode', 'q', 'monitoringStatus', 'formerlyPoor'] as const;

export default function HouseholdListPage() {
  const me = useMe().data!;
  const navigate = useNavigate();
  const [form] = Form.useForm<Filters>();
  const { filters, page, pageSize, search, reset, pagination } = useUrlList<Filters, (typeof FILTER_KEYS)[number]>(FILTER_KEYS, form);

  const query = useQuery({
    queryKey: ['households', filters, page, pageSize],
    queryFn: () => api.get<Page<HouseholdListItem>>('/households', { ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
  });


  const columns: TableColumnsType<HouseholdListItem> = [
    { title: '户主', dataIndex: 'headName', width: 100, render: (v, r) => <Link to={`/households/${r.id}`}>{v ?? '（无户主）'}</Link> },
    { title: '户主身份证号', dataIndex: 'headIdNumber', width: 190, render: (v) => <span className="jb-mono">{v ?? '—'}</span> },
    { title: '所在村', dataIndex: 'regionName', ellipsis: true },
    { title: '村民小组', dataIndex: 'villageGroup', width: 100, render: (v) => v ?? '—' },
    { title: '人口', dataIndex: 'memberCount', width: 60, align: 'right' },
    {
      title: '户类型', dataIndex: 'formerlyPoor', width: 140,
      render: (v: boolean, r) => (
        <Space size={4} wrap>
          <Tag color={v ? 'orange' : 'default'}>{v ? '脱贫户' : '一般农户'}</Tag>
          {r.dibao && <Tag color="blue">低保</Tag>}
          {r.tekun && <Tag color="purple">特困</Tag>}
        </Space>
      ),
    },
    {
      title: '监测状态', dataIndex: 'monitoringStatus', width: 110,
      render: (v) => <Tag color={MONITORING_STATUS_COLOR[v]}>{label(MONITORING_STATUS, v)}</Tag>,
    },
    { title: '监测类别', dataIndex: 'monitoringCategory', width: 130, render: (v) => label(MONITORING_CATEGORY, v) },
    { title: '识别日期', dataIndex: 'identifiedOn', width: 110, render: (v) => v ?? '—' },
    { title: '操作', key: 'op', width: 70, fixed: 'right', render: (_, r) => <Link to={`/households/${r.id}`}>查看</Link> },
  ];

  const canCreate = HANDLING_ROLES.includes(me.role);

  return (
    <>
      <div className="jb-page-title">
        <h2>农户管理</h2>
        <Space>
          <ExportButton path="/households/export.xlsx" filters={{ ...filters }} />
          {canCreate && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/households/new')}>
              新增农户
            </Button>
          )}
        </Space>
      </div>
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form<Filters> form={form} name="filters" layout="inline" onFinish={search} initialValues={filters} style={{ rowGap: 16 }}>
          <Form.Item name="regionCode" label="区划">
            <RegionCascader style={{ width: 200 }} placeholder="本辖区全部" />
          </Form.Item>
          <Form.Item name="q" label="姓名/身份证号">
            <Input allowClear placeholder="户主或成员姓名、身份证号" style={{ width: 170 }} />
          </Form.Item>
          <Form.Item name="monitoringStatus" label="监测状态">
            <Select allowClear placeholder="全部" style={{ width: 120 }} options={options(MONITORING_STATUS)} />
          </Form.Item>
          <Form.Item name="formerlyPoor" label="户类型">
            <Select
              allowClear
              placeholder="全部"
              style={{ width: 120 }}
              options={[{ value: 'true', label: '脱贫户' }, { value: 'false', label: '一般农户' }]}
            />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                查询
              </Button>
              <Button
                icon={<ReloadOutlined />}
                onClick={reset}
              >
                重置
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      {query.error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={firstMessage(query.error)} />}
      <Card styles={{ body: { padding: 0 } }}>
        <Table<HouseholdListItem>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={query.data?.items ?? []}
          loading={query.isFetching}
          scroll={{ x: 1100 }}
          locale={{ emptyText: <Empty description="没有符合条件的农户" /> }}
          pagination={pagination(query.data?.total ?? 0, (t) => `共 ${t} 户`)}
        />
      </Card>
    </>
  );
}
