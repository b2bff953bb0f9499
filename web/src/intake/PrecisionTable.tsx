import { useState } from 'react';
import dayjs, { type Dayjs } from 'dayjs';
import { Alert, DatePicker, Empty, Space, Table, Typography, type TableColumnsType } from 'antd';
import { firstMessage } from '../api.ts';
import { usePrecision, type PrecisionRow } from './intake.ts';

const pct = (n: number, of: number) => (of ? `${Math.round((100 * n) / of)}%` : '—');

const columns: TableColumnsType<PrecisionRow> = [
  { title: '部门类别', dataIndex: 'departmentName', width: 110, fixed: 'left' },
  { title: '收到预警', dataIndex: 'received', width: 90, align: 'right' },
  { title: '合并到办理中的任务', dataIndex: 'merged', width: 120, align: 'right', render: (v: number, r) => `${v}（${pct(v, r.received)}）` },
  { title: '未在系统登记', dataIndex: 'unknown', width: 120, align: 'right', render: (v: number, r) => `${v}（${pct(v, r.received)}）` },
  { title: '核实无风险', dataIndex: 'closedNoRisk', width: 100, align: 'right' },
  { title: '启动识别', dataIndex: 'casesOpened', width: 90, align: 'right' },
  { title: '认定为监测对象（户）', dataIndex: 'householdsIdentified', width: 130, align: 'right' },
  { title: '办理中的任务', dataIndex: 'openTasks', width: 100, align: 'right' },
  {
    title: '办结天数中位数', dataIndex: 'medianDaysToClose', width: 120, align: 'right',
    render: (v: number | null) => (v === null ? '—' : `${Number.isInteger(v) ? v : v.toFixed(1)}天`),
  },
];

/**
 * 预警精准度 (WRN-6): per department kind, for warnings dated in the chosen period. A department
 * sees its own kind (the server decides); the figures describe the feeds and set no target.
 */
export function PrecisionTable({ testId = 'precision-table' }: { testId?: string }) {
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const q = usePrecision(range ? { from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') } : {});
  const shown: [Dayjs, Dayjs] | null = range ?? (q.data ? [dayjs(q.data.from), dayjs(q.data.to)] : null);
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <span>预警日期</span>
        <DatePicker.RangePicker
          id="precision_range"
          value={shown}
          allowClear={false}
          onChange={(v) => setRange(v && v[0] && v[1] ? [v[0], v[1]] : null)}
        />
        <Typography.Text type="secondary">默认为本年1月1日至今天；“合并”“未登记”后的百分比为占收到预警的比例</Typography.Text>
      </Space>
      {q.error && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={`精准度加载失败：${firstMessage(q.error)}`} />}
      <Table<PrecisionRow>
        data-testid={testId}
        rowKey="departmentKind"
        size="small"
        columns={columns}
        dataSource={q.data?.rows ?? []}
        loading={q.isFetching}
        pagination={false}
        scroll={{ x: 1000 }}
        locale={{ emptyText: <Empty description="该期间没有收到预警" /> }}
      />
    </>
  );
}
