import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import {
  Alert, Button, Card, Col, DatePicker, Empty, Form, Input, Row, Select, Space, Statistic, Table, Tabs, Tag, Typography, type TableColumnsType,
} from 'antd';
import { CloudUploadOutlined, DownloadOutlined, SendOutlined } from '@ant-design/icons';
import { API, ApiError, api, errorPathToName, firstMessage, type FieldError } from '../api.ts';
import { useMe } from '../auth.ts';
import { useServerToday } from '../cases.ts';
import { ErrorResult } from '../components/ErrorResult.tsx';
import { RegionCascader } from '../components/RegionCascader.tsx';
import { textOrNull } from '../forms.ts';
import { PageSpin } from '../App.tsx';
import { fmtTime } from '../imports/imports.ts';
import {
  describeIntakePath, OUTCOME_COLOR, QUEUE_STATE_COLOR, TASK_STATE_COLOR, useWarnings, useWarningTypes, WARNINGS_KEY,
  type SubmitResult, type WarningCounts, type WarningItem, type WarningPayload, type WarningTypeOption,
} from './intake.ts';
import { MAX_PASTE_ROWS, PASTE_COLUMNS, parsePasted, type PastedRow } from './paste.ts';
import { PrecisionTable } from './PrecisionTable.tsx';

const OUTCOME_NAME: Record<string, string> = { task: '已生成核实任务', merged: '已合并到办理中的任务', unknown: '未在监测系统登记' };

/** Sends warnings (all or nothing) and returns the server's answer; a refusal throws the ApiError. */
async function send(warnings: WarningPayload[]): Promise<SubmitResult> {
  return api.post<SubmitResult>('/warnings', { warnings });
}

/** The server's errors by warning index (`warnings[3].idNumber` → 3); the rest, and 403 "第 N 条：…", by the path-less list. */
function errorsByRow(e: unknown): { rows: Map<number, string[]>; other: string[] } {
  const rows = new Map<number, string[]>();
  const other: string[] = [];
  const list: FieldError[] = e instanceof ApiError ? e.errors : [{ path: '', message: firstMessage(e) }];
  for (const err of list) {
    const m = /^warnings\[(\d+)\]/.exec(err.path);
    const n = /^第 ?(\d+) ?条：(.*)$/.exec(err.message);
    const index = m ? Number(m[1]) : n ? Number(n[1]) - 1 : null;
    if (index === null) other.push(err.path ? `${describeIntakePath(err.path)}：${err.message}` : err.message);
    else {
      const field = /^warnings\[\d+\]\.(\w+)$/.exec(err.path)?.[1];
      rows.set(index, [...(rows.get(index) ?? []), `${field ? `${describeIntakePath(field)}：` : ''}${m ? err.message : n![2]}`]);
    }
  }
  return { rows, other };
}

function ResultCard({ result, title }: { result: SubmitResult; title: string }) {
  return (
    <Alert
      data-testid="submit-result"
      type={result.unknown ? 'warning' : 'success'}
      showIcon
      style={{ marginTop: 16 }}
      title={title}
      description={
        <Space wrap size="large">
          <span>收到 <b>{result.received}</b> 条</span>
          <span>新生成核实任务 <b>{result.tasks}</b> 个</span>
          <span>合并到办理中的任务 <b>{result.merged}</b> 条</span>
          <span>未在系统登记 <b>{result.unknown}</b> 条{result.unknown ? '（已进入县级待查队列，由县级查找农户）' : ''}</span>
        </Space>
      }
    />
  );
}

interface SingleValues {
  type?: string;
  name?: string;
  idNumber?: string;
  warnedOn?: Dayjs;
  detail?: string;
  sourceRef?: string;
  regionCode?: string;
}

/** One warning by the form; the server's field errors go under their fields. */
function SingleForm({ types, onSent }: { types: WarningTypeOption[]; onSent: () => void }) {
  const [form] = Form.useForm<SingleValues>();
  const today = useServerToday();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<SubmitResult | null>(null);

  async function finish(v: SingleValues) {
    setBusy(true);
    setProblem(null);
    setResult(null);
    try {
      const r = await send([{
        type: v.type!, name: v.name!.trim(), idNumber: v.idNumber!.trim().toUpperCase(), warnedOn: v.warnedOn!.format('YYYY-MM-DD'),
        detail: textOrNull(v.detail), sourceRef: textOrNull(v.sourceRef), regionCode: v.regionCode ?? null,
      }]);
      setResult(r);
      form.resetFields();
      onSent();
    } catch (e) {
      const errors = e instanceof ApiError ? e.errors : [{ path: '', message: firstMessage(e) }];
      const fields = new Set(form.getFieldsError().map((f) => String(f.name[0])));
      const unmatched: string[] = [];
      const byField = new Map<string, string[]>();
      for (const err of errors) {
        const name = errorPathToName(err.path);
        const field = name[0] === 'warnings' ? String(name[2] ?? '') : String(name[0] ?? '');
        if (field && fields.has(field)) byField.set(field, [...(byField.get(field) ?? []), err.message]);
        else unmatched.push(err.message.replace(/^第 ?1 ?条：/, ''));
      }
      form.setFields([...byField].map(([name, msgs]) => ({ name: name as keyof SingleValues, errors: msgs })));
      if (unmatched.length) setProblem(unmatched.join('；'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Form<SingleValues> form={form} name="warning" layout="vertical" onFinish={finish} initialValues={{ warnedOn: dayjs(today) }} autoComplete="off">
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="type" label="预警类型" rules={[{ required: true, message: '请选择预警类型' }]}>
              <Select options={types.map((t) => ({ value: t.code, label: t.label }))} placeholder="本部门的预警类型" />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="name" label="姓名" rules={[{ required: true, whitespace: true, message: '请填写预警对象姓名' }]}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="idNumber" label="身份证号" rules={[{ required: true, whitespace: true, message: '请填写身份证号' }]} extra="用于匹配监测系统中的人员">
              <Input maxLength={18} className="jb-mono" />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="warnedOn" label="预警日期" rules={[{ required: true, message: '请选择预警日期' }]} extra="线索发现日期，识别的15天从此日起算（Q42）">
              <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.format('YYYY-MM-DD') > today} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="sourceRef" label="来源单号" extra="部门系统中的编号；同一单号只能报送一次">
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="regionCode" label="所在区划" extra="可不填（为本账号的区划）">
              <RegionCascader changeOnSelect allowClear placeholder="本账号的区划" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="detail" label="预警内容" extra="简要说明（个人信息，仅核实人员可见）">
              <Input.TextArea rows={2} maxLength={500} showCount />
            </Form.Item>
          </Col>
        </Row>
        {problem && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={problem} data-testid="submit-error" />}
        <Button type="primary" htmlType="submit" icon={<SendOutlined />} loading={busy}>
          报送
        </Button>
      </Form>
      {result && <ResultCard result={result} title="已报送" />}
    </>
  );
}

/** Many lines pasted at once: a preview with each line's problems, then one request. */
function PasteForm({ types, onSent }: { types: WarningTypeOption[]; onSent: () => void }) {
  const today = useServerToday();
  const [text, setText] = useState('');
  const [regionCode, setRegionCode] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [server, setServer] = useState<{ rows: Map<number, string[]>; other: string[] } | null>(null);
  const [result, setResult] = useState<SubmitResult | null>(null);
  const rows = useMemo(() => parsePasted(text, types, today, regionCode ?? null), [text, types, today, regionCode]);
  const bad = rows.filter((r) => r.problems.length).length;
  const tooMany = rows.length > MAX_PASTE_ROWS;

  async function submit() {
    setBusy(true);
    setServer(null);
    setResult(null);
    try {
      const r = await send(rows.map((x) => x.warning!));
      setResult(r);
      setText('');
      onSent();
    } catch (e) {
      setServer(errorsByRow(e));
    } finally {
      setBusy(false);
    }
  }

  const columns: TableColumnsType<PastedRow & { index: number }> = [
    { title: '行', dataIndex: 'line', width: 60, render: (v) => `第${v}行` },
    ...PASTE_COLUMNS.map((h, i) => ({
      title: h, key: h, ellipsis: true, width: i === 2 ? 190 : i === 4 ? undefined : 120,
      render: (_: unknown, r: PastedRow) => <span className={i === 2 ? 'jb-mono' : undefined}>{r.cells[i] || '—'}</span>,
    })),
    {
      title: '检查', key: 'problems', width: 300,
      render: (_, r) => {
        const fromServer = server?.rows.get(r.index) ?? [];
        const all = [...r.problems, ...fromServer];
        return all.length ? <Typography.Text type="danger">{all.join('；')}</Typography.Text> : <Tag color="green">可报送</Tag>;
      },
    },
  ];

  return (
    <>
      <Typography.Paragraph type="secondary">
        每行一条，各列依次为：<b>{PASTE_COLUMNS.join('，')}</b>。可直接从表格中复制（以制表符分隔），也可用逗号分隔；类型填中文名称（
        {types.map((t) => t.label).join('、')}），日期为 YYYY-MM-DD，内容和单号可不填。一次最多{MAX_PASTE_ROWS}条，全部通过才写入。
      </Typography.Paragraph>
      <Input.TextArea
        id="paste_text"
        rows={6}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setServer(null);
        }}
        placeholder={`${types[0]?.label ?? '预警类型'},张三,36073119800101123X,${today},住院自付费用累计超过预警线,YB-2024-000123`}
        className="jb-mono"
      />
      <Space wrap style={{ marginTop: 12 }}>
        <span>所在区划（对所有行）</span>
        <RegionCascader changeOnSelect allowClear value={regionCode} onChange={setRegionCode} placeholder="本账号的区划" style={{ width: 260 }} />
      </Space>
      {rows.length > 0 && (
        <Table
          data-testid="paste-preview"
          style={{ marginTop: 12 }}
          rowKey="line"
          size="small"
          columns={columns}
          dataSource={rows.map((r, index) => ({ ...r, index }))}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          scroll={{ x: 1100 }}
        />
      )}
      {server && server.other.length > 0 && <Alert type="error" showIcon style={{ marginTop: 12 }} title={server.other.join('；')} data-testid="paste-error" />}
      {server && server.rows.size > 0 && (
        <Alert type="error" showIcon style={{ marginTop: 12 }} title={`有 ${server.rows.size} 行未通过服务器检查，全部未写入；请改正后重新报送`} data-testid="paste-error" />
      )}
      {tooMany && <Alert type="warning" showIcon style={{ marginTop: 12 }} title={`一次最多${MAX_PASTE_ROWS}条，更多请用文件导入`} />}
      <Space style={{ marginTop: 12 }}>
        <Button type="primary" icon={<SendOutlined />} disabled={!rows.length || bad > 0 || tooMany} loading={busy} onClick={() => void submit()}>
          报送 {rows.length ? `${rows.length} 条` : ''}
        </Button>
        {bad > 0 && <Typography.Text type="danger">{bad} 行有问题，改正后才能报送</Typography.Text>}
      </Space>
      {result && <ResultCard result={result} title="已全部报送" />}
    </>
  );
}

function Counts({ counts, loading }: { counts?: WarningCounts; loading: boolean }) {
  const items = [
    { title: '收到预警', value: counts?.received },
    { title: '新生成核实任务', value: counts?.task },
    { title: '合并到办理中的任务', value: counts?.merged },
    { title: '未在系统登记', value: counts?.unknown },
  ];
  return (
    <Row gutter={16} style={{ marginBottom: 16 }} data-testid="warning-counts">
      {items.map((i) => (
        <Col key={i.title} xs={12} md={6}>
          <Statistic title={i.title} value={i.value ?? 0} loading={loading} />
        </Col>
      ))}
    </Row>
  );
}

const listColumns: TableColumnsType<WarningItem> = [
  { title: '预警日期', dataIndex: 'warnedOn', width: 110 },
  { title: '类型', dataIndex: 'typeName', width: 170, ellipsis: true },
  { title: '姓名', dataIndex: 'personName', width: 90 },
  { title: '身份证号', dataIndex: 'idNumber', width: 190, render: (v) => <span className="jb-mono">{v}</span> },
  { title: '来源单号', dataIndex: 'sourceRef', width: 140, ellipsis: true, render: (v) => v ?? '—' },
  { title: '渠道', dataIndex: 'channelName', width: 90 },
  { title: '区划', dataIndex: 'regionName', width: 150, ellipsis: true, render: (v, w) => v ?? w.regionCode },
  { title: '处理结果', dataIndex: 'outcome', width: 170, render: (v, w) => <Tag color={OUTCOME_COLOR[v]}>{w.outcomeName}</Tag> },
  {
    title: '任务 / 待查状态', key: 'state', width: 200,
    render: (_, w) =>
      w.taskStateName ? <Tag color={TASK_STATE_COLOR[w.taskState ?? '']}>{w.taskStateName}</Tag>
        : w.queueStateName ? <Tag color={QUEUE_STATE_COLOR[w.queueState ?? '']} title={w.queueReason ?? undefined}>{w.queueStateName}{w.queueReason ? `：${w.queueReason}` : ''}</Tag>
          : '—',
  },
  { title: '收到时间', dataIndex: 'receivedAt', width: 160, render: (v: string) => fmtTime(v) },
];

/**
 * 预警报送 (WRN-1) for a line department: one warning by the form, many by pasting lines, or a
 * file through 数据导入; what became of each (a new verification task, merged into an open one,
 * or a person not in the registry, for the county to find); and the precision of its feed (WRN-6).
 */
export default function WarningSubmitPage() {
  const me = useMe().data!;
  const qc = useQueryClient();
  const types = useWarningTypes();
  const [outcome, setOutcome] = useState<string | undefined>();
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const list = useWarnings({ outcome, ...paging });
  const refresh = () => void qc.invalidateQueries({ queryKey: WARNINGS_KEY });

  if (types.isPending) return <PageSpin />;
  if (types.error) return <ErrorResult error={types.error} onRetry={() => void types.refetch()} />;
  const own = types.data.types;

  return (
    <>
      <div className="jb-page-title">
        <h2>预警报送{me.departmentKindName ? `（${me.departmentKindName}）` : ''}</h2>
      </div>
      {own.length === 0 ? (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="该账号未设置部门类别或本部门没有可报送的预警类型，请联系系统管理员。" />
      ) : (
        <Card style={{ marginBottom: 16 }}>
          <Tabs
            items={[
              { key: 'one', label: '单条录入', children: <SingleForm types={own} onSent={refresh} /> },
              { key: 'paste', label: '粘贴多条', children: <PasteForm types={own} onSent={refresh} /> },
              {
                key: 'file', label: '文件导入',
                children: (
                  <>
                    <Typography.Paragraph>
                      大批量预警请下载模板填写后在“数据导入”中上传（XLSX 或 CSV）。整份文件全部通过才写入；导入结果中的“新生成核实任务”“合并到办理中的任务”“未在系统登记”与此处相同。
                    </Typography.Paragraph>
                    <Space wrap>
                      <Button icon={<DownloadOutlined />} href={`${API}/imports/templates/warnings`} download>
                        下载预警导入模板
                      </Button>
                      <Link to="/imports?sheet=warnings">
                        <Button type="primary" icon={<CloudUploadOutlined />}>去数据导入</Button>
                      </Link>
                    </Space>
                  </>
                ),
              },
            ]}
          />
        </Card>
      )}
      <Card title="本部门报送的预警" style={{ marginBottom: 16 }} data-testid="warning-list"
        extra={
          <Select
            id="warning_outcome"
            allowClear
            placeholder="全部处理结果"
            style={{ width: 200 }}
            value={outcome}
            onChange={(v) => {
              setOutcome(v);
              setPaging((p) => ({ ...p, page: 1 }));
            }}
            options={Object.entries(OUTCOME_NAME).map(([value, label]) => ({ value, label }))}
          />
        }
      >
        <Counts counts={list.data?.counts} loading={list.isPending} />
        {list.error && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={`预警列表加载失败：${firstMessage(list.error)}`} />}
        <Table<WarningItem>
          rowKey="id"
          size="small"
          columns={listColumns}
          dataSource={list.data?.items ?? []}
          loading={list.isFetching}
          scroll={{ x: 1500 }}
          pagination={{
            current: paging.page, pageSize: paging.pageSize, total: list.data?.total ?? 0, showSizeChanger: true, pageSizeOptions: [20, 50, 100],
            showTotal: (t) => `共 ${t} 条`, onChange: (page, pageSize) => setPaging({ page: pageSize !== paging.pageSize ? 1 : page, pageSize }),
          }}
          locale={{ emptyText: <Empty description={outcome ? '没有该处理结果的预警' : '本部门还没有报送预警'} /> }}
        />
      </Card>
      <Card title="预警精准度（本部门类别）">
        <PrecisionTable />
      </Card>
    </>
  );
}
