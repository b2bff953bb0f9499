import { Suspense, useMemo } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Layout, Menu, Space, Tag, Typography, type MenuProps } from 'antd';
import {
  AuditOutlined, DashboardOutlined, HomeOutlined, KeyOutlined, LogoutOutlined, SafetyOutlined, TeamOutlined, UserOutlined,
} from '@ant-design/icons';
import { CalendarOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { AlertOutlined, SolutionOutlined } from '@ant-design/icons';
import { FormOutlined } from '@ant-design/icons';
import { CloudUploadOutlined, DesktopOutlined, FileSearchOutlined, SettingOutlined, SwapOutlined } from '@ant-design/icons';
import { ApiOutlined, BarChartOutlined, MessageOutlined, NotificationOutlined, QuestionCircleOutlined, ScheduleOutlined } from '@ant-design/icons';
import { api, firstMessage } from '../api.ts';
import { useMe } from '../auth/auth.ts';
import { HANDLING_ROLES, WORK_ROLES } from '../labels.ts';
import { clearRegionCache } from '../components/RegionCascader.tsx';
import { PageSpin } from '../App.tsx';

const { Header, Sider, Content } = Layout;

type Item = Required<MenuProps>['items'][number] & { key: string };

/** Side menu by role: work roles see the registry; each of the three admins sees only their own tools. */
function menuFor(role: string): Item[] {
  if (WORK_ROLES.includes(role))
    return [
      { key: '/', icon: <DashboardOutlined />, label: '工作台' },
      // Intake (WRN-1): departments report warnings; those who verify see their tasks first.
      ...(role === 'department' ? [{ key: '/warnings', icon: <NotificationOutlined />, label: '预警报送' }] : []),
      ...(['village', 'township', 'county', 'city', 'province', 'national'].includes(role) ? [{ key: '/verification-tasks', icon: <ScheduleOutlined />, label: '核实任务' }] : []),
      // Self-reports (WRN-5): the village's worklist of what households reported on the public page.
      ...(HANDLING_ROLES.includes(role) ? [{ key: '/self-reports', icon: <FormOutlined />, label: '农户申报' }] : []),
      { key: '/households', icon: <HomeOutlined />, label: '农户管理' },
      { key: '/cases', icon: <FileSearchOutlined />, label: '案件' },
      { key: '/measures', icon: <SolutionOutlined />, label: '帮扶措施' },
      ...(role !== 'department' && role !== 'hotline' ? [{ key: '/assistance-gaps', icon: <AlertOutlined />, label: '帮扶监管' }] : []),
      { key: '/member-changes', icon: <UserSwitchOutlined />, label: '人口自然增减' },
      { key: '/yearly-updates', icon: <CalendarOutlined />, label: '年度信息更新' },
      ...(HANDLING_ROLES.includes(role) || role === 'department' ? [{ key: '/imports', icon: <CloudUploadOutlined />, label: '数据导入' }] : []),
      ...(role === 'county' ? [{ key: '/warnings/queue', icon: <QuestionCircleOutlined />, label: '待查队列' }] : []),
      ...(['county', 'city', 'province', 'national'].includes(role)
        ? [{ key: '/warnings/precision', icon: <BarChartOutlined />, label: '预警精准度' }, { key: '/household-messages', icon: <MessageOutlined />, label: '告知消息' }]
        : []),
      ...(['county', 'city', 'province', 'national'].includes(role) ? [{ key: '/exchange/national', icon: <SwapOutlined />, label: '全国系统交换' }] : []),
    ];
  if (role === 'system_admin') return [{ key: '/users', icon: <TeamOutlined />, label: '用户管理' }];
  if (role === 'audit_admin')
    return [
      { key: '/audit', icon: <AuditOutlined />, label: '审计日志' },
      { key: '/login-log', icon: <SafetyOutlined />, label: '登录日志' },
      { key: '/users', icon: <TeamOutlined />, label: '用户（只读）' },
    ];
  if (role === 'security_admin')
    return [
      { key: '/sessions', icon: <DesktopOutlined />, label: '在线用户' },
      { key: '/users', icon: <TeamOutlined />, label: '用户管理' },
      { key: '/security-policy', icon: <SettingOutlined />, label: '安全策略' },
      { key: '/api-tokens', icon: <ApiOutlined />, label: '接口令牌' },
      { key: '/login-log', icon: <SafetyOutlined />, label: '登录日志' },
    ];
  return [];
}

export default function AppLayout() {
  const me = useMe().data!;
  const navigate = useNavigate();
  const location = useLocation();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const items = useMemo(() => menuFor(me.role), [me.role]);
  const selected = items
    .map((i) => i.key)
    .filter((k) => (k === '/' ? location.pathname === '/' : location.pathname.startsWith(k)))
    .sort((a, b) => b.length - a.length)
    .slice(0, 1);

  async function logout() {
    try {
      await api.post('/auth/logout');
    } catch (e) {
      message.warning(firstMessage(e));
    }
    qc.clear();
    clearRegionCache();
    navigate('/login', { replace: true });
  }

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header style={{ display: 'flex', alignItems: 'center', gap: 16, paddingInline: 24, background: '#0f3a72' }}>
        <div className="jb-brand">
          监帮<small>防止返贫动态监测和帮扶系统</small>
        </div>
        <div style={{ flex: 1 }} />
        <Space size="middle" data-testid="current-user" style={{ color: '#fff' }}>
          <span>
            <UserOutlined /> {me.displayName}
          </span>
          <Tag color="gold" style={{ marginInlineEnd: 0 }}>
            {me.departmentKindName ? `${me.roleName}·${me.departmentKindName}` : me.roleName}
          </Tag>
          {me.regionName && <span>{me.regionName}</span>}
          <Button size="small" ghost icon={<KeyOutlined />} onClick={() => navigate('/account')}>
            账号安全
          </Button>
          <Button size="small" ghost icon={<LogoutOutlined />} onClick={logout}>
            退出
          </Button>
        </Space>
      </Header>
      <Layout>
        <Sider width={200} theme="light" breakpoint="lg" collapsedWidth={0} style={{ borderInlineEnd: '1px solid #f0f0f0' }}>
          <Menu mode="inline" selectedKeys={selected} items={items} onClick={(e) => navigate(e.key)} style={{ borderInlineEnd: 0, paddingTop: 8 }} />
        </Sider>
        <Content style={{ padding: 24, minWidth: 0 }}>
          <Suspense fallback={<PageSpin />}>
            <Outlet />
          </Suspense>
          <Typography.Paragraph type="secondary" style={{ textAlign: 'center', marginTop: 24, fontSize: 12 }}>
            本系统数据涉及个人信息，请依法依规使用；敏感信息的查看与修改均记录审计日志。
          </Typography.Paragraph>
        </Content>
      </Layout>
    </Layout>
  );
}
