import type { ReactNode } from 'react';
import { Alert, Card, Empty, Form, Table, type TableColumnsType } from 'antd';
import { firstMessage } from '../api.ts';
import { RegionCascader } from './RegionCascader.tsx';

export interface Paging {
  page: number;
  pageSize: number;
}

/**
 * A list page of the user's region: title, an explanatory notice, a filter bar that starts with
 * the region (narrowing the user's own subtree) and applies on change, and a paged table.
 */
export function ScopedListPage<F extends object, R extends { id: number }>({
  title, extra, notice, initialFilters, onFilters, filterItems, query, columns, emptyText, scrollX, unit, paging, onPaging,
}: {
  title: string;
  extra?: ReactNode;
  notice: string;
  initialFilters: F;
  /** All filter values on any change (empty values as undefined); the page goes back to 1. */
  onFilters: (values: F) => void;
  filterItems: ReactNode;
  /** The list's query (TanStack Query result). */
  query: { data?: { items: R[]; total: number }; error: unknown; isFetching: boolean };
  columns: TableColumnsType<R>;
  emptyText: string;
  scrollX: number;
  unit: string;
  paging: Paging;
  onPaging: (p: Paging) => void;
}) {
  return (
    <>
      <div className="jb-page-title">
        <h2>{title}</h2>
        {extra}
      </div>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={notice} />
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form<F>
          layout="inline"
          initialValues={initialFilters}
          style={{ rowGap: 16 }}
          onValuesChange={(_, all) => {
            onFilters(Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v === '' || v === null ? undefined : v])) as F);
            onPaging({ ...paging, page: 1 });
          }}
        >
          <Form.Item name="regionCode" label="区划">
            <RegionCascader style={{ width: 200 }} placeholder="本辖区全部" />
          </Form.Item>
          {filterItems}
        </Form>
      </Card>
      {!!query.error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={firstMessage(query.error)} />}
      <Card styles={{ body: { padding: 0 } }}>
        <Table<R>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={query.data?.items ?? []}
          loading={query.isFetching}
          scroll={{ x: scrollX }}
          locale={{ emptyText: <Empty description={emptyText} /> }}
          pagination={{
            current: paging.page,
            pageSize: paging.pageSize,
            total: query.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (t) => `共 ${t} ${unit}`,
            onChange: (p, ps) => onPaging({ page: ps !== paging.pageSize ? 1 : p, pageSize: ps }),
            style: { paddingInline: 16 },
          }}
        />
      </Card>
    </>
  );
}
