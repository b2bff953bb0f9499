import { useState } from 'react';
import { useUrlList } from '../url-list.ts';
import { Link } from 'react-router-dom';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Empty, Form, Modal, Select, Space, Table, type TableColumnsType } from 'antd';
import { AlertOutlined, DownloadOutlined, PrinterOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { API, api, firstMessage, queryString } from '../api.ts';
import { useMe } from '../auth.ts';
import { caseColumns, LeadModal } from '../components/CaseSection.tsx';
import { ExportButton } from '../components/ExportButton.tsx';
import { HANDLING_ROLES, options } from '../labels.ts';
import type { Page } from '../types.ts';
import { CASE_KIND, useServerToday, type CaseListItem } from '../cases.ts';

interface Filters {
  kind?: string;
  status?: string;
  green?: string;
  overdue?: string;
}
const FILTER_KEYS = ['kind', 'status', 'green', 'overdue'] as const;

const columns: TableColumnsType<CaseListItem> = [
  caseColumns[0]!,
  { title: '户主', dataIndex: 'headName', width: 90, render: (v, r) => <Link to={`/households/${r.householdId}`}>{v ?? '（无户主）'}</Link> },
  { title: '所在村', dataIndex: 'regionName', width: 120, ellipsis: true, render: (v) => v ?? '—' },
  ...caseColumns.slice(1),
  { title: '操作', key: 'op', width: 60, fixed: 'right', render: (_, r) => <Link to={`/cases/${r.id}`}>办理</Link> },
];

/** The county announcement list of a period (Q41): cases the county approved, printable or XLSX. */
function AnnouncementModal({ onClose }: { onClose: () => void }) {
  const today = useServerToday();
  const [kind, setKind] = useState('identification');
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs(today).startOf('month'), dayjs(today)]);
  const href = (format: 'html' | 'xlsx') =>
    `${API}/notices/county-announcement${queryString({ kind, from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD'), format })}`;
  return (
    <Modal title="县级公告名单" open onCancel={onClose} footer={null} destroyOnHidden>
      <Form layout="vertical">
        <Form.Item label="案件类型">
          <Select value={kind} onChange={setKind} options={options(CASE_KIND)} />
        </Form.Item>
        <Form.Item label="县级审批日期" extra="列出期间内县级批准的案件；公告不含身份证号、手机号、银行账号和健康状况（Q47）">
          <DatePicker.RangePicker value={range} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} style={{ width: '100%' }} />
        </Form.Item>
        <Space>
          <Button icon={<PrinterOutlined />} href={href('html')} target="_blank">打印公告</Button>
          <Button icon={<DownloadOutlined />} href={href('xlsx')} download="县级公告.xlsx">下载 XLSX</Button>
        </Space>
      </Form>
    </Modal>
  );
}

/** 案件: identification and elimination cases of the region, nearest deadline first, with filters. */
export default function CaseListPage() {
  const me = useMe().data!;
  const [form] = Form.useForm<Filters>();
  const [modal, setModal] = useState<'lead' | 'announcement' | null>(null);
  const { filters, page, pageSize, search, reset, pagination } = useUrlList<Filters, (typeof FILTER_KEYS)[number]>(FILTER_KEYS, form);

  const query = useQuery({
    queryKey: ['cases', filters, page, pageSize],
    queryFn: () => api.get<Page<CaseListItem> & { totalCapped?: boolean }>('/cases', { ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
  });


  return (
    <>
      <div className="jb-page-title">
        <h2>案件</h2>
        <Space>
          <ExportButton path="/cases/export.xlsx" filters={{ ...filters }} />
          {['county', 'city', 'province', 'national'].includes(me.role) && (
            <Button icon={<PrinterOutlined />} onClick={() => setModal('announcement')}>县级公告名单</Button>
          )}
          {HANDLING_ROLES.includes(me.role) && (
            <Button type="primary" icon={<AlertOutlined />} onClick={() => setModal('lead')}>登记线索</Button>
          )}
        </Space>
      </div>
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form<Filters> form={form} name="case-filters" layout="inline" onFinish={search} initialValues={filters} style={{ rowGap: 16 }}>
          <Form.Item name="kind" label="类型">
            <Select allowClear placeholder="全部" style={{ width: 140 }} options={options(CASE_KIND)} />
          </Form.Item>
          <Form.Item name="status" label="办理情况">
            <Select allowClear placeholder="全部" style={{ width: 120 }} options={[{ value: 'open', label: '办理中' }, { value: 'closed', label: '已办结' }]} />
          </Form.Item>
          <Form.Item name="green" label="绿色通道">
            <Select allowClear placeholder="全部" style={{ width: 110 }} options={[{ value: 'true', label: '是' }, { value: 'false', label: '否' }]} />
          </Form.Item>
          <Form.Item name="overdue" label="逾期">
            <Select allowClear placeholder="全部" style={{ width: 110 }} options={[{ value: 'true', label: '仅看逾期' }]} />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>查询</Button>
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
        <Table<CaseListItem>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={query.data?.items ?? []}
          loading={query.isFetching}
          scroll={{ x: 1140 }}
          locale={{ emptyText: <Empty description="没有符合条件的案件" /> }}
          // Above 2,000 the server stops counting (a province's list would otherwise count every page view).
          pagination={pagination(query.data?.total ?? 0, (t) => (query.data?.totalCapped ? `超过 ${t - 1} 件，请用条件筛选` : `共 ${t} 件`))}
        />
      </Card>
      {modal === 'lead' && <LeadModal onClose={() => setModal(null)} />}
      {modal === 'announcement' && <AnnouncementModal onClose={() => setModal(null)} />}
    </>
  );
}
