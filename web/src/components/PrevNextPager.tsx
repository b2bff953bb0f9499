import { Button, Space } from 'antd';

/**
 * Previous / next for logs that are read a page at a time without a total (counting the whole
 * audit or login log on every page view would cost more than the page): a full page means there
 * may be more.
 */
export function PrevNextPager({ page, rows, pageSize, onPage }: { page: number; rows: number; pageSize: number; onPage: (page: number) => void }) {
  return (
    <Space style={{ padding: 16 }}>
      <Button disabled={page <= 1} onClick={() => onPage(page - 1)}>上一页</Button>
      <span>第 {page} 页</span>
      <Button disabled={rows < pageSize} onClick={() => onPage(page + 1)}>下一页</Button>
    </Space>
  );
}
