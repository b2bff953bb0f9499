import { useState } from 'react';
import { Link } from 'react-router-dom';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Empty, Space, Table, Tabs, Tag, Typography, Upload, type TableColumnsType } from 'antd';
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { API, api, ApiError, firstMessage, queryString, type FieldError } from '../api.ts';
import { useMe } from '../auth/auth.ts';
import { RegionCascader } from '../components/RegionCascader.tsx';
import type { getReconciliation, listReconciliations } from '../../../src/app/exchange/get-reconciliation.ts';

type Run = Awaited<ReturnType<typeof getReconciliation>>;
type RunList = Awaited<ReturnType<typeof listReconciliations>>;
type Item = Run['items']['items'][number];
type RowError = Run['errors'][number];

const KINDS = [
  { key: 'all', label: '全部差异' },
  { key: 'only_in_national', label: '仅全国系统有' },
  { key: 'only_in_jianbang', label: '仅监帮有' },
  { key: 'field_differs', label: '字段不一致' },
  { key: 'entry_overdue', label: '录入超期（Q45）' },
] as const;
const KIND_COLOR: Record<string, string> = { only_in_national: 'blue', only_in_jianbang: 'purple', field_differs: 'orange', entry_overdue: 'red' };
const COUNT_OF: Record<string, keyof Run['summary']> = {
  only_in_national: 'onlyInNational', only_in_jianbang: 'onlyInJianbang', field_differs: 'fieldDiffers', entry_overdue: 'entryOverdue',
};

/** The file itself is the request body (the server reads it by content, streamed). */
async function uploadFile(file: File): Promise<{ id: number }> {
  let res: Response;
  try {
    res = await fetch(`${API}/exchange/national/reconciliations`, {
      method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/octet-stream', accept: 'application/json' }, body: file,
    });
  } catch {
    throw new ApiError(0, [{ path: '', message: '无法连接服务器，请检查网络' }]);
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, (data?.errors as FieldError[] | undefined) ?? [{ path: '', message: `上传失败（HTTP ${res.status}）` }]);
  return data;
}

/** DAT-4: export in the national 信息采集表 layout, and reconciliation with the national system's export. */
export default function NationalExchangePage() {
  const me = useMe().data!;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const isCounty = me.role === 'county';
  const [countyRegion, setCountyRegion] = useState<string | undefined>(isCounty ? me.regionCode : undefined);
  const [runId, setRunId] = useState<number | null>(null);
  const [kind, setKind] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);

  const runs = useQuery({ queryKey: ['reconciliations'], queryFn: () => api.get<RunList>('/exchange/national/reconciliations', { pageSize: 10 }) });
  const shownId = runId ?? runs.data?.items[0]?.id ?? null;
  const run = useQuery({
    queryKey: ['reconciliation', shownId, kind, page, pageSize],
    queryFn: () => api.get<Run>(`/exchange/national/reconciliations/${shownId}`, { kind, page, pageSize }),
    enabled: shownId !== null,
    placeholderData: keepPreviousData,
  });

  const exportHref = countyRegion ? `${API}/exchange/national/export.xlsx${queryString(isCounty ? {} : { countyCode: countyRegion.slice(0, 6) })}` : undefined;

  async function onUpload(file: File) {
    setUploading(true);
    setUploadError(null);
    try {
      const r = await uploadFile(file);
      message.success('对账完成');
      setRunId(r.id);
      setKind('');
      setPage(1);
      await qc.invalidateQueries({ queryKey: ['reconciliations'] });
    } catch (e) {
      setUploadError(firstMessage(e));
    } finally {
      setUploading(false);
    }
  }

  const columns: TableColumnsType<Item> = [
    { title: '类型', dataIndex: 'kindName', width: 130, render: (v, r) => <Tag color={KIND_COLOR[r.kind]}>{v}</Tag> },
    { title: '文件行号', dataIndex: 'fileRow', width: 80, render: (v) => v ?? '—' },
    { title: '所在地', dataIndex: 'regionName', ellipsis: true, render: (v) => v ?? '—' },
    { title: '户主', dataIndex: 'headName', width: 100, render: (v, r) => (r.householdId ? <Link to={`/households/${r.householdId}`}>{v ?? '—'}</Link> : v ?? '—') },
    { title: '户主身份证号', dataIndex: 'headIdNumber', width: 180, render: (v) => <span className="jb-mono">{v ?? '—'}</span> },
    { title: '字段', dataIndex: 'field', width: 130, render: (v) => v ?? '—' },
    { title: '全国系统', dataIndex: 'nationalValue', width: 130, render: (v) => v ?? '—' },
    { title: '监帮', dataIndex: 'jianbangValue', width: 130, render: (v) => v ?? '—' },
    { title: '说明', dataIndex: 'detail', ellipsis: true, render: (v) => v ?? '—' },
  ];
  const errorColumns: TableColumnsType<RowError> = [
    { title: '行号', dataIndex: 'row', width: 70 },
    { title: '列', dataIndex: 'column', width: 140 },
    { title: '值', dataIndex: 'value', width: 180 },
    { title: '原因', dataIndex: 'reason' },
  ];
  const r = run.data;

  return (
    <>
      <div className="jb-page-title">
        <h2>全国系统数据交换</h2>
      </div>
      <Card title="导出全国系统格式" style={{ marginBottom: 16 }}>
        <Space wrap>
          {!isCounty && <RegionCascader maxLevel={3} value={countyRegion} onChange={setCountyRegion} placeholder="选择县" style={{ width: 240 }} />}
          <Button type="primary" icon={<DownloadOutlined />} href={exportHref} disabled={!exportHref} download="防止返贫监测对象信息采集表.xlsx">
            导出全国系统格式
          </Button>
        </Space>
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          按《防止返贫监测对象信息采集表》的户信息、家庭成员两部分导出本县监测对象（含风险已消除的），供录入全国防止返贫监测信息系统。
          {isCounty ? '县级导出含完整身份证号、联系电话，每次导出均记入审计日志。' : '敏感信息已脱敏。'}
          识别时间以县级批准时间为准，批准后10天内完成系统录入（Q45）。
        </Typography.Paragraph>
      </Card>
      <Card title="与全国系统对账" style={{ marginBottom: 16 }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Upload accept=".xlsx,.csv" showUploadList={false} disabled={uploading} beforeUpload={(file) => { void onUpload(file); return false; }}>
            <Button icon={<UploadOutlined />} loading={uploading}>
              上传全国系统导出文件（.xlsx / .csv）
            </Button>
          </Upload>
          <Typography.Text type="secondary">文件须为全国格式的监测对象户信息表（第一个工作表），以户主身份证号与本辖区监测对象比对。</Typography.Text>
          {uploadError && <Alert type="error" showIcon title={uploadError} />}
        </Space>
      </Card>
      {run.error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={firstMessage(run.error)} />}
      {shownId === null && !runs.isPending && <Empty description="尚未对账：请上传全国系统导出文件" />}
      {r && (
        <Card
          title={`对账结果（第 ${r.id} 次）`}
          extra={
            <Button icon={<DownloadOutlined />} href={`${API}/exchange/national/reconciliations/${r.id}/items/export.xlsx${queryString({ kind })}`} download={`全国系统对账结果-${r.id}.xlsx`}>
              导出 Excel
            </Button>
          }
        >
          <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }} style={{ marginBottom: 16 }}>
            <Descriptions.Item label="对账人">{r.actorName}</Descriptions.Item>
            <Descriptions.Item label="时间">{new Date(String(r.createdAt)).toLocaleString('zh-CN')}</Descriptions.Item>
            <Descriptions.Item label="文件行数">{r.summary.rowsRead}</Descriptions.Item>
            <Descriptions.Item label="匹配户数">{r.summary.matched}</Descriptions.Item>
            <Descriptions.Item label="文件 SHA-256">
              <Typography.Text className="jb-mono" copyable ellipsis style={{ maxWidth: 220 }}>{r.fileSha256}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="错误行">{r.summary.errors}</Descriptions.Item>
          </Descriptions>
          <Tabs
            activeKey={kind || 'all'}
            onChange={(k) => { setKind(k === 'all' ? '' : k); setPage(1); }}
            items={KINDS.map((k) => ({
              key: k.key,
              label: k.key === 'all' ? k.label : `${k.label}（${r.summary[COUNT_OF[k.key]!]}）`,
            }))}
          />
          <Table<Item>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={r.items.items}
            loading={run.isFetching}
            scroll={{ x: 1200 }}
            locale={{ emptyText: <Empty description="没有差异" /> }}
            pagination={{ current: page, pageSize, total: r.items.total, showSizeChanger: true, showTotal: (t) => `共 ${t} 条`, onChange: (p, s) => { setPage(p); setPageSize(s); } }}
          />
          {r.errors.length > 0 && (
            <>
              <Typography.Title level={5} style={{ marginTop: 16 }}>
                文件错误（{r.summary.errors} 行{r.summary.errors > r.errorsShown ? `，此处显示前 ${r.errorsShown} 条，全部见导出的 Excel` : ''}）
              </Typography.Title>
              <Table<RowError> rowKey={(e) => `${e.row}-${e.column}`} size="small" columns={errorColumns} dataSource={r.errors} pagination={false} />
            </>
          )}
        </Card>
      )}
    </>
  );
}
