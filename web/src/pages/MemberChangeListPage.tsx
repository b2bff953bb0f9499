import { useState } from 'react';
import { Link } from 'react-router-dom';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Form, Select, type TableColumnsType } from 'antd';
import { api } from '../api.ts';
import { memberChangeColumns } from '../components/MemberChangeSection.tsx';
import { ExportButton } from '../components/ExportButton.tsx';
import { ScopedListPage, type Paging } from '../components/ScopedListPage.tsx';
import { options } from '../labels.ts';
import { DIRECTION, type MemberChange } from '../member-changes.ts';
import type { Page } from '../types.ts';

interface Filters {
  regionCode?: string;
  overdue?: string;
  direction?: string;
}

const columns: TableColumnsType<MemberChange> = [
  { title: '所在村', dataIndex: 'regionName', width: 160, ellipsis: true },
  { title: '户', dataIndex: 'householdId', width: 90, render: (v) => <Link to={`/households/${v}`}>户编号 {v}</Link> },
  ...memberChangeColumns,
];

/**
 * 人口自然增减 of the user's region (REG-5): every recorded change, or only the late recordings
 * (entered more than 3 months after the event, Q20). A change nobody has recorded yet is
 * unknown to the system, so it cannot appear here.
 */
export default function MemberChangeListPage() {
  const [filters, setFilters] = useState<Filters>({ overdue: 'true' });
  const [paging, setPaging] = useState<Paging>({ page: 1, pageSize: 20 });
  const q = useQuery({
    queryKey: ['member-changes', 'list', filters, paging],
    queryFn: () => api.get<Page<MemberChange>>('/member-changes', { ...filters, ...paging }),
    placeholderData: keepPreviousData,
  });
  return (
    <ScopedListPage<Filters, MemberChange>
      title="人口自然增减"
      extra={<ExportButton path="/member-changes/export.xlsx" filters={{ ...filters }} />}
      notice="自然增减原则上自变更事项发生之日起3个月内在系统中登记（Q20）。“逾期登记”指超过3个月才登记的变更；尚未登记的变更系统无从知晓，不在此列，请结合入户走访和年度信息更新排查。"
      initialFilters={filters}
      onFilters={setFilters}
      filterItems={
        <>
          <Form.Item name="overdue" label="登记时限">
            <Select allowClear placeholder="全部" style={{ width: 130 }} options={[{ value: 'true', label: '逾期登记' }, { value: 'false', label: '按时登记' }]} />
          </Form.Item>
          <Form.Item name="direction" label="类型">
            <Select allowClear placeholder="全部" style={{ width: 120 }} options={options(DIRECTION)} />
          </Form.Item>
        </>
      }
      query={q}
      columns={columns}
      emptyText="没有符合条件的人口自然增减记录"
      scrollX={1550}
      unit="条"
      paging={paging}
      onPaging={setPaging}
    />
  );
}
