import { useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Select, Space, Table, Tabs, Tag, Typography, Upload, type TableColumnsType } from 'antd';
import { CheckCircleOutlined, CloudUploadOutlined, DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { API, api, firstMessage } from '../api.ts';
import { ErrorResult } from '../components/ErrorResult.tsx';
import { PageSpin } from '../App.tsx';
import { ImportHistory } from './ImportHistory.tsx';
import { ImportJobPanel } from './ImportJobPanel.tsx';
import { IMPORTS_KEY, jobKey, useImportSheets, type ImportJob, type ImportSheet } from './imports.ts';

type Column = ImportSheet['sheets'][number]['columns'][number];

const ruleColumns: TableColumnsType<Column> = [
  {
    title: '列名', dataIndex: 'header', width: 150,
    render: (v, c) => (
      <Typography.Text strong={c.required}>
        {v}
        {c.required && <Typography.Text type="danger"> *</Typography.Text>}
      </Typography.Text>
    ),
  },
  { title: '必填', dataIndex: 'required', width: 60, render: (v: boolean) => (v ? <Tag color="red">必填</Tag> : '选填') },
  { title: '规则', dataIndex: 'rule' },
  { title: '依据', dataIndex: 'clause', width: 70, render: (v) => v ?? '—' },
];

/** The column rules of each worksheet of the chosen sheet (as the template's 说明 names them). */
function ColumnRules({ sheet }: { sheet: ImportSheet }) {
  return (
    <Tabs
      items={sheet.sheets.map((s) => ({
        key: s.name,
        label: `${s.name}（${s.columns.length}列）`,
        children: (
          <>
            <Typography.Paragraph type="secondary">{s.identity}</Typography.Paragraph>
            <Table<Column>
              data-testid="column-rules"
              rowKey="header"
              size="small"
              columns={ruleColumns}
              dataSource={s.columns}
              pagination={false}
              scroll={{ x: 640, y: 360 }}
            />
          </>
        ),
      }))}
    />
  );
}

/**
 * 数据导入 (DAT-1): choose what to import, download its template, read its column rules, upload
 * the filled file to check (校验) or import it, follow the job's progress and read its result or
 * its row problems; earlier jobs below. The chosen sheet and the open job live in the URL.
 */
export default function ImportPage() {
  const qc = useQueryClient();
  const sheets = useImportSheets();
  const [params, setParams] = useSearchParams();
  const [file, setFile] = useState<File | null>(null);
  const [starting, setStarting] = useState<'check' | 'import' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const jobRef = useRef<HTMLDivElement>(null);

  if (sheets.isPending) return <PageSpin />;
  if (sheets.error) return <ErrorResult error={sheets.error} onRetry={() => void sheets.refetch()} />;
  const list = sheets.data;
  const sheet = list.find((s) => s.key === params.get('sheet')) ?? list[0];
  const jobId = Number(params.get('job')) || null;

  const setParam = (key: string, value: string | null) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value === null) next.delete(key);
      else next.set(key, value);
      return next;
    }, { replace: key === 'sheet' });

  function openJob(id: number) {
    setParam('job', String(id));
    jobRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  async function start(dryRun: boolean) {
    if (!file || !sheet) return;
    setStarting(dryRun ? 'check' : 'import');
    setError(null);
    try {
      const job = await api.upload<ImportJob>('/imports', file, { sheet: sheet.key, dryRun, fileName: file.name.slice(0, 200) });
      qc.setQueryData(jobKey(job.id), job);
      void qc.invalidateQueries({ queryKey: [...IMPORTS_KEY, 'list'] });
      openJob(job.id);
    } catch (e) {
      setError(firstMessage(e));
    } finally {
      setStarting(null);
    }
  }

  return (
    <>
      <div className="jb-page-title">
        <h2>数据导入</h2>
      </div>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={`整份文件要么全部导入，要么一行也不写入：有任何一行错误，都会列出行号、列名和原因，并可下载标注了“错误说明”的原文件，改正后重新上传即可。${sheet?.key === 'warnings'
          ? '预警按身份证号匹配监测系统中的人员：生成核实任务，或合并到同一人同一类预警办理中的任务；未登记的进入县级待查队列。同一来源单号不会重复报送。'
          : '已登记的农户和成员按身份证号匹配更新，重复导入同一文件不会产生重复数据。'}`}
      />
      {!sheet ? (
        <Card>
          <Empty description="没有可导入的表" />
        </Card>
      ) : (
        <>
          <Card title="1. 选择导入表，下载模板" style={{ marginBottom: 16 }}>
            <Space wrap style={{ marginBottom: 8, width: '100%' }}>
              <Select
                id="import_sheet"
                value={sheet.key}
                style={{ width: 'min(420px, calc(100vw - 96px))' }}
                options={list.map((s) => ({ value: s.key, label: s.title }))}
                onChange={(v) => setParam('sheet', v)}
              />
              <Button icon={<DownloadOutlined />} href={`${API}/imports/templates/${sheet.key}`} download>
                下载导入模板
              </Button>
              {(sheet.key === 'households' || sheet.key === 'members') && (
                <Button icon={<DownloadOutlined />} href={`${API}/imports/households/export.xlsx?reveal=true`} download title="含完整身份证号、电话、银行账号（留痕），改正后可直接重新导入">
                  导出本辖区现有数据
                </Button>
              )}
            </Space>
            <ColumnRules key={sheet.key} sheet={sheet} />
          </Card>
          <Card title="2. 上传填好的文件" style={{ marginBottom: 16 }}>
            <Upload.Dragger
              accept=".xlsx,.csv"
              maxCount={1}
              beforeUpload={(f) => {
                setFile(f);
                setError(null);
                return false;
              }}
              onRemove={() => setFile(null)}
              fileList={file ? [{ uid: 'chosen', name: file.name, size: file.size, status: 'done' }] : []}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">点击或将文件拖到此处</p>
              <p className="ant-upload-hint">支持 .xlsx 和 .csv（UTF-8 或 GBK 编码）；请使用导入模板的表头</p>
            </Upload.Dragger>
            {error && <Alert type="error" showIcon style={{ marginTop: 16 }} title={error} data-testid="upload-error" />}
            <Space wrap style={{ marginTop: 16 }}>
              <Button icon={<CheckCircleOutlined />} disabled={!file || !!starting} loading={starting === 'check'} onClick={() => void start(true)}>
                校验（不写入）
              </Button>
              <Button type="primary" icon={<CloudUploadOutlined />} disabled={!file || !!starting} loading={starting === 'import'} onClick={() => void start(false)}>
                导入
              </Button>
            </Space>
          </Card>
        </>
      )}
      <div ref={jobRef} style={{ scrollMarginTop: 16 }}>
        {jobId && <ImportJobPanel key={jobId} id={jobId} onOpen={openJob} />}
      </div>
      <ImportHistory current={jobId} onOpen={openJob} />
    </>
  );
}
