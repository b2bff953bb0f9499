import { useEffect, useState } from 'react';
import { Select, Space } from 'antd';
import { usePublicRegions, type PublicRegion } from './selfReport.ts';

const LEVEL_LABELS: Record<number, string> = { 1: '省', 2: '市', 3: '县（市、区）', 4: '乡镇（街道）', 5: '村（社区）' };

function Level({ parent, level, value, onPick, id }: { parent: string | null; level: number; value?: string; onPick: (r: PublicRegion | undefined) => void; id: string }) {
  const q = usePublicRegions(parent);
  const options = q.data ?? [];
  // A single choice (one province) is made for the household.
  useEffect(() => {
    if (!value && options.length === 1) onPick(options[0]);
  }, [value, options, onPick]);
  return (
    <Select
      id={id}
      size="large"
      showSearch={{ optionFilterProp: 'label' }}
      style={{ width: '100%' }}
      placeholder={`请选择${LEVEL_LABELS[level] ?? ''}`}
      loading={q.isFetching}
      value={value}
      options={options.map((r) => ({ value: r.code, label: r.name }))}
      onChange={(code) => onPick(options.find((r) => r.code === code))}
      notFoundContent={q.error ? '加载失败，请刷新重试' : '无可选项'}
    />
  );
}

/**
 * 所在村 on a phone: one full-width select per level (省 → 市 → 县 → 乡镇 → 村), each loaded from
 * the public regions API when the level above is chosen — a cascader's side-by-side columns do not
 * fit a 390 px screen. The value is the village's 12-digit code.
 */
export function VillagePicker({ value, onChange, id = 'village' }: { value?: string; onChange?: (code: string | undefined) => void; id?: string }) {
  const [path, setPath] = useState<PublicRegion[]>([]);
  // A cleared form clears the picker.
  useEffect(() => {
    if (!value && path.at(-1)?.level === 5) setPath([]);
  }, [value, path]);

  const pick = (depth: number) => (r: PublicRegion | undefined) => {
    const next = [...path.slice(0, depth), ...(r ? [r] : [])];
    setPath(next);
    onChange?.(r && r.level === 5 ? r.code : undefined);
  };
  const levels: { parent: string | null; level: number }[] = [{ parent: null, level: 1 }];
  for (const r of path) if (r.hasChildren && r.level < 5) levels.push({ parent: r.code, level: r.level + 1 });

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={8}>
      {levels.map((l, depth) => (
        <Level key={l.parent ?? 'top'} id={`${id}_level${l.level}`} parent={l.parent} level={l.level} value={path[depth]?.code} onPick={pick(depth)} />
      ))}
    </Space>
  );
}
