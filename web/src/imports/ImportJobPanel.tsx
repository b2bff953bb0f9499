import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Progress, Row, Space, Statistic, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { DownloadOutlined, RedoOutlined } from '@ant-design/icons';
import { API, api, firstMessage } from '../api.ts';
import { counterLabels, fmtTime, IMPORTS_KEY, isEnded, jobKey, jobPercent, PHASE_NAMES, STATUS_COLORS, succeededMessage, useImportJob, type ImportJob } from './imports.ts';

type Problem = ImportJob['problems'][number];

const problemColumns: TableColumnsType<Problem> = [
  { title: '工作表', dataIndex: 'sheet', width: 100, render: (v) => v || '—' },
  { title: '行', dataIndex: 'row', width: 70, align: 'right', render: (v: number) => (v ? `第${v}行` : '整个文件') },
  { title: '列', dataIndex: 'column', width: 140, render: (v) => v || '整行' },
  { title: '值', dataIndex: 'value', width: 170, ellipsis: true, render: (v) => (v ? <span className="jb-mono">{v}</span> : '—') },
  { title: '原因', dataIndex: 'reason' },
];

function ProgressSection({ job }: { job: ImportJob }) {
  const ended = isEnded(job);
  const status = !ended ? 'active' : job.status === 'succeeded' ? 'success' : 'exception';
  const phase = job.status === 'queued' ? '排队等待' : ended ? '已结束' : `正在${PHASE_NAMES[job.phase ?? ''] ?? '处理'}`;
  return (
    <div data-testid="import-progress">
      <Typography.Text type="secondary">{phase}</Typography.Text>
      <Progress percent={jobPercent(job)} status={status} />
      <Row gutter={[12, 12]} style={{ marginTop: 8 }}>
        <Col xs={8}>
          <Statistic title="已读取（行）" value={job.rowsRead} />
        </Col>
        <Col xs={8}>
          <Statistic title="已校验（行）" value={job.rowsValidated} />
        </Col>
        <Col xs={8}>
          <Statistic title="已写入（条）" value={job.rowsWritten} suffix={job.toWrite != null && !ended ? `/ ${job.toWrite}` : undefined} />
        </Col>
      </Row>
    </div>
  );
}

function Outcome({ job, onOpen }: { job: ImportJob; onOpen: (id: number) => void }) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [rerunning, setRerunning] = useState(false);
  async function rerun() {
    setRerunning(true);
    try {
      const next = await api.post<ImportJob>(`/imports/${job.id}/rerun`, {});
      qc.setQueryData(jobKey(next.id), next);
      void qc.invalidateQueries({ queryKey: [...IMPORTS_KEY, 'list'] });
      onOpen(next.id);
    } catch (e) {
      message.error(firstMessage(e));
    } finally {
      setRerunning(false);
    }
  }
  const actions = (job.hasErrorReport || job.canRerun) && (
    <Space wrap>
      {job.hasErrorReport && (
        <Button icon={<DownloadOutlined />} href={`${API}/imports/${job.id}/error-report`} download>
          下载错误报告
        </Button>
      )}
      {job.canRerun && (
        <Button icon={<RedoOutlined />} loading={rerunning} onClick={rerun}>
          重新运行
        </Button>
      )}
    </Space>
  );

  const counters = counterLabels(job);
  if (job.status === 'succeeded')
    return (
      <div data-testid="import-result">
        <Alert type="success" showIcon title={succeededMessage(job)} style={{ marginBottom: 16 }} />
        <Row gutter={[12, 12]}>
          <Col xs={8}>
            <Statistic title={counters.created} value={job.created} />
          </Col>
          <Col xs={8}>
            <Statistic title={counters.updated} value={job.updated} />
          </Col>
          <Col xs={8}>
            <Statistic title={counters.unchanged} value={job.unchanged} />
          </Col>
        </Row>
      </div>
    );
  return (
    <div data-testid="import-result">
      <Alert type="error" showIcon title={job.message ?? job.statusName} style={{ marginBottom: 16 }} />
      {actions && <div style={{ marginBottom: 16 }}>{actions}</div>}
      {job.status === 'rejected' && (
        <>
          {job.problemCount > job.problems.length && (
            <Typography.Paragraph type="secondary">
              共 {job.problemCount} 处问题，下表列出前 {job.problems.length} 处；错误报告中列出 {Math.min(job.problemCount, 5000)} 处。
            </Typography.Paragraph>
          )}
          <Table<Problem>
            data-testid="import-problems"
            rowKey={(p) => `${p.sheet}:${p.row}:${p.column}:${p.reason}`}
            size="small"
            columns={problemColumns}
            dataSource={job.problems}
            scroll={{ x: 760 }}
            locale={{ emptyText: <Empty description="没有列出问题" /> }}
            pagination={{ defaultPageSize: 10, showSizeChanger: true, showTotal: () => `共 ${job.problemCount} 处问题`, hideOnSinglePage: false }}
          />
        </>
      )}
    </div>
  );
}

/** An import job: its progress while it runs (polled), then its result or its problems. */
export function ImportJobPanel({ id, onOpen }: { id: number; onOpen: (id: number) => void }) {
  const qc = useQueryClient();
  const q = useImportJob(id);
  const job = q.data;
  const ended = !!job && isEnded(job);
  // The history shows the job's status too: refresh it when the job ends.
  useEffect(() => {
    if (ended) void qc.invalidateQueries({ queryKey: [...IMPORTS_KEY, 'list'] });
  }, [ended, qc]);

  if (q.error) return <Alert type="error" showIcon style={{ marginBottom: 16 }} title={firstMessage(q.error)} />;
  return (
    <Card
      data-testid="import-job"
      data-job={id}
      loading={!job}
      style={{ marginBottom: 16 }}
      title={`导入任务 ${id}`}
      extra={job && <Tag color={STATUS_COLORS[job.status]}>{job.statusName}</Tag>}
    >
      {job && (
        <>
          <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} style={{ marginBottom: 16 }}>
            <Descriptions.Item label="文件">{job.fileName}</Descriptions.Item>
            <Descriptions.Item label="导入表">{job.sheetTitle}</Descriptions.Item>
            <Descriptions.Item label="方式">{job.dryRun ? '校验（不写入）' : '导入'}</Descriptions.Item>
            <Descriptions.Item label="上传人">{job.createdBy}</Descriptions.Item>
            <Descriptions.Item label="上传时间">{fmtTime(job.createdAt)}</Descriptions.Item>
            {job.rerunOf && <Descriptions.Item label="重新运行自">任务 {job.rerunOf}</Descriptions.Item>}
          </Descriptions>
          <ProgressSection job={job} />
          {ended && (
            <div style={{ marginTop: 16 }}>
              <Outcome job={job} onOpen={onOpen} />
            </div>
          )}
        </>
      )}
    </Card>
  );
}
