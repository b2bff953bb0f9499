import { useState } from 'react';
import { Alert, Button, Card, Empty, Table, Tag, type TableColumnsType } from 'antd';
import { firstMessage } from '../api.ts';
import { counterLabels, fmtTime, isEnded, STATUS_COLORS, useImportJobs, type ImportJob } from './imports.ts';

function outcome(j: ImportJob): string {
  if (!isEnded(j)) return `已读取 ${j.rowsRead} 行`;
  if (j.status === 'succeeded' && j.sheet === 'warnings') {
    const l = counterLabels(j);
    return `${l.created} ${j.created}，${l.updated} ${j.updated}，${l.unchanged} ${j.unchanged}`;
  }
  if (j.status === 'succeeded') return `${j.dryRun ? '将' : ''}新增 ${j.created}，${j.dryRun ? '将' : ''}更新 ${j.updated}，一致 ${j.unchanged}`;
  if (j.status === 'rejected') return `${j.problemCount} 处问题`;
  return j.message ?? '';
}

/** Recent import jobs of the user's region, newest first; each opens in the job panel. */
export function ImportHistory({ current, onOpen }: { current: number | null; onOpen: (id: number) => void }) {
  const [paging, setPaging] = useState({ page: 1, pageSize: 10 });
  const q = useImportJobs(paging);
  const columns: TableColumnsType<ImportJob> = [
    { title: '上传时间', dataIndex: 'createdAt', width: 170, render: fmtTime },
    { title: '导入表', dataIndex: 'sheetTitle', width: 180, ellipsis: true },
    { title: '文件', dataIndex: 'fileName', width: 200, ellipsis: true },
    { title: '方式', dataIndex: 'dryRun', width: 80, render: (v: boolean) => (v ? '校验' : '导入') },
    { title: '状态', dataIndex: 'statusName', width: 130, render: (v, j) => <Tag color={STATUS_COLORS[j.status]}>{v}</Tag> },
    { title: '结果', key: 'outcome', ellipsis: true, render: (_, j) => outcome(j) },
    { title: '上传人', dataIndex: 'createdBy', width: 140, ellipsis: true },
    {
      title: '操作', key: 'op', width: 80, fixed: 'right',
      render: (_, j) => (
        <Button type="link" size="small" disabled={j.id === current} onClick={() => onOpen(j.id)}>
          {j.id === current ? '当前' : '查看'}
        </Button>
      ),
    },
  ];
  return (
    <Card title="导入记录" styles={{ body: { padding: 0 } }} data-testid="import-history">
      {!!q.error && <Alert type="error" showIcon style={{ margin: 16 }} title={firstMessage(q.error)} />}
      <Table<ImportJob>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={q.data?.items ?? []}
        loading={q.isFetching && !q.data}
        scroll={{ x: 1100 }}
        locale={{ emptyText: <Empty description="本辖区还没有导入记录" /> }}
        pagination={{
          current: paging.page,
          pageSize: paging.pageSize,
          total: q.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (t) => `共 ${t} 次`,
          onChange: (p, ps) => setPaging({ page: ps !== paging.pageSize ? 1 : p, pageSize: ps }),
          style: { paddingInline: 16 },
        }}
      />
    </Card>
  );
}
