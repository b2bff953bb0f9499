import { useCallback, useEffect, useRef, useState } from 'react';
import { Cascader } from 'antd';
import { api } from '../api.ts';
import { regionChain, regionLevel, ROOT_REGION } from '../region.ts';
import type { RegionNode } from '../types.ts';

interface Option {
  value: string;
  label: string;
  level: number;
  isLeaf: boolean;
  loading?: boolean;
  children?: Option[];
}

export interface RegionCascaderProps {
  /** The selected region code (12 digits). */
  value?: string | null;
  onChange?: (code: string | undefined) => void;
  /** Deepest level offered: 3 county, 4 township, 5 village (default). */
  maxLevel?: number;
  /** Allow choosing a node above the deepest level (filters); false requires a leaf (e.g. a village). */
  changeOnSelect?: boolean;
  placeholder?: string;
  disabled?: boolean;
  allowClear?: boolean;
  id?: string;
  style?: React.CSSProperties;
  /** Where the tree starts (default the province 360000000000). */
  root?: string;
}

const childrenCache = new Map<string, Promise<RegionNode[]>>();
/** Children of a node, limited by the server to the user's scope. Cached for the page's life. */
function fetchChildren(code: string): Promise<RegionNode[]> {
  let p = childrenCache.get(code);
  if (!p) {
    p = api.get<RegionNode[]>(`/regions/${code}/children`);
    p.catch(() => childrenCache.delete(code));
    childrenCache.set(code, p);
  }
  return p;
}
/** Forget cached children (on logout: another user sees another scope). */
export function clearRegionCache() {
  childrenCache.clear();
}

/**
 * Province → city → county → township → village picker that loads each level lazily from
 * GET /regions/:code/children. The value is a single code; the path is rebuilt from it.
 */
export function RegionCascader({
  value, onChange, maxLevel = 5, changeOnSelect = true, placeholder = '请选择区划', disabled, allowClear = true, id, style, root = ROOT_REGION,
}: RegionCascaderProps) {
  const [options, setOptions] = useState<Option[]>([]);
  const [, setTick] = useState(0);
  const rootRef = useRef<Option | null>(null);
  const refresh = useCallback(() => {
    setOptions((o) => [...o]);
    setTick((t) => t + 1);
  }, []);

  const toOption = useCallback(
    (n: RegionNode): Option => ({ value: n.code, label: n.name, level: n.level, isLeaf: !n.hasChildren || n.level >= maxLevel }),
    [maxLevel],
  );

  const loadInto = useCallback(
    async (opt: Option) => {
      if (opt.children || opt.isLeaf) return;
      opt.loading = true;
      refresh();
      try {
        const nodes = await fetchChildren(opt.value);
        opt.children = nodes.map(toOption);
        if (opt.children.length === 0) opt.isLeaf = true;
      } finally {
        opt.loading = false;
        refresh();
      }
    },
    [refresh, toOption],
  );

  // The root node.
  useEffect(() => {
    let live = true;
    api
      .get<{ code: string; name: string; level: number }>(`/regions/${root}`)
      .then((r) => {
        if (!live) return;
        const opt: Option = { value: r.code, label: r.name, level: r.level, isLeaf: r.level >= maxLevel };
        rootRef.current = opt;
        setOptions([opt]);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [root, maxLevel]);

  // Make sure the path to the current value is loaded so the cascader can show its labels.
  useEffect(() => {
    if (!value || !rootRef.current) return;
    let live = true;
    (async () => {
      const chain = regionChain(value).filter((c) => regionLevel(c) >= regionLevel(root));
      let node: Option | undefined = rootRef.current!;
      for (const code of chain.slice(1)) {
        if (!live || !node) return;
        await loadInto(node);
        node = node.children?.find((c: Option) => c.value === code);
      }
    })().catch(() => undefined);
    return () => {
      live = false;
    };
  }, [value, options.length, loadInto, root]);

  const path = value ? regionChain(value).filter((c) => regionLevel(c) >= regionLevel(root)) : undefined;

  return (
    <Cascader
      id={id}
      style={style ?? { width: '100%' }}
      options={options}
      value={path}
      loadData={(selected) => void loadInto(selected[selected.length - 1] as Option)}
      changeOnSelect={changeOnSelect}
      onChange={(v) => onChange?.(v && v.length ? String(v[v.length - 1]) : undefined)}
      placeholder={placeholder}
      disabled={disabled}
      allowClear={allowClear}
      displayRender={(labels) => labels.join(' / ')}
      notFoundContent="无可选区划"
    />
  );
}
