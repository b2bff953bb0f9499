import { Button } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { API, queryString } from '../api.ts';

/**
 * 导出 Excel of a list (DAT-2): a plain link to the list's `export.xlsx` with the filters the page
 * shows (not its page), so the browser streams the file itself, sends the session cookie along
 * and names it as the server says (农户名单_2024-06-03.xlsx). What it holds is what the list
 * holds: the server applies the same scope and masking.
 */
export function ExportButton({ path, filters }: { path: string; filters?: Record<string, string | number | boolean | null | undefined> }) {
  return (
    <Button icon={<DownloadOutlined />} href={`${API}${path}${queryString(filters)}`} download>
      导出 Excel
    </Button>
  );
}
