import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { api } from '../api.ts';
import type { HouseholdListItem, Page } from '../types.ts';

/**
 * Picks a household of the user's region through the 农户管理 search (GET /households?q=): by a
 * member's name or an exact ID number; a number typed alone also offers 户编号 N (the server
 * checks that the household is in the user's region).
 */
export function HouseholdPicker({ id, value, onChange, initialQuery }: { id?: string; value?: number; onChange?: (v: number | undefined) => void; initialQuery?: string }) {
  const [q, setQ] = useState(initialQuery ?? '');
  const text = q.trim();
  const found = useQuery({
    queryKey: ['households', 'picker', text],
    queryFn: () => api.get<Page<HouseholdListItem>>('/households', { q: text, pageSize: 20 }),
    enabled: text.length > 0 && !/^\d{1,12}$/.test(text),
  });
  const byId = /^\d{1,12}$/.test(text) ? [{ value: Number(text), label: `户编号 ${Number(text)}` }] : [];
  return (
    <Select<number>
      id={id}
      allowClear
      showSearch={{ filterOption: false, onSearch: (v) => v && setQ(v) }}
      value={value}
      onChange={onChange}
      placeholder="输入户主或成员姓名、身份证号或户编号查找"
      loading={found.isFetching}
      notFoundContent={text ? (found.isFetching ? '查找中…' : '未找到本辖区的农户') : '请输入姓名、身份证号或户编号'}
      options={[
        ...byId,
        ...(found.data?.items ?? []).map((h) => ({
          value: h.id,
          label: `${h.headName ?? '（无户主）'} · ${h.regionName}${h.villageGroup ? ` ${h.villageGroup}` : ''} · 户编号${h.id}`,
        })),
      ]}
    />
  );
}
