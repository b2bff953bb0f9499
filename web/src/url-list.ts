import { useEffect } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { FormInstance, TablePaginationConfig } from 'antd';

/**
 * A filtered, paged list whose filters and page live in the URL (so a link or a reload shows the
 * same page): the filters as the form holds them, search/reset for its buttons, and the table's
 * pagination.
 */
export function useUrlList<F extends Partial<Record<K, string>>, K extends string>(keys: readonly K[], form: FormInstance<F>) {
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(keys.map((k) => [k, params.get(k) ?? undefined])) as F;
  const page = Number(params.get('page') ?? 1);
  const pageSize = Number(params.get('pageSize') ?? 20);

  useEffect(() => {
    form.setFieldsValue({ ...filters } as Parameters<FormInstance<F>['setFieldsValue']>[0]);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params.toString()]);

  function search(v: F) {
    const next = new URLSearchParams();
    for (const k of keys) {
      const val = typeof v[k] === 'string' ? (v[k] as string).trim() : v[k];
      if (val) next.set(k, val);
    }
    next.set('page', '1');
    next.set('pageSize', String(pageSize));
    setParams(next);
  }

  function reset() {
    form.resetFields();
    setParams(new URLSearchParams());
  }

  const pagination = (total: number, showTotal: (total: number) => string): TablePaginationConfig => ({
    current: page,
    pageSize,
    total,
    showSizeChanger: true,
    pageSizeOptions: [10, 20, 50, 100],
    showTotal,
    onChange: (p, ps) => {
      const next = new URLSearchParams(params);
      next.set('page', String(ps !== pageSize ? 1 : p));
      next.set('pageSize', String(ps));
      setParams(next);
    },
    style: { paddingInline: 16 },
  });

  return { filters, page, pageSize, search, reset, pagination };
}
