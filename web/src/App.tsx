import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { Spin } from 'antd';
import { ApiError, setUnauthorizedHandler } from './api.ts';
import { STEP_PATHS, useMe } from './auth/auth.ts';
import { ErrorResult } from './components/ErrorResult.tsx';
import { WORK_ROLES } from './labels.ts';

const LoginPage = lazy(() => import('./auth/LoginPage.tsx'));
const VerifyPage = lazy(() => import('./auth/VerifyPage.tsx'));
const ChangePasswordPage = lazy(() => import('./auth/ChangePasswordPage.tsx'));
const TwoFactorEnrolPage = lazy(() => import('./auth/TwoFactorEnrolPage.tsx'));
const AccountSecurityPage = lazy(() => import('./auth/AccountSecurityPage.tsx'));
const AppLayout = lazy(() => import('./pages/AppLayout.tsx'));
const WorkbenchPage = lazy(() => import('./pages/WorkbenchPage.tsx'));
const CaseListPage = lazy(() => import('./pages/CaseListPage.tsx'));
const CasePage = lazy(() => import('./pages/CasePage.tsx'));
const HouseholdListPage = lazy(() => import('./pages/HouseholdListPage.tsx'));
const HouseholdNewPage = lazy(() => import('./pages/HouseholdNewPage.tsx'));
const HouseholdDetailPage = lazy(() => import('./pages/HouseholdDetailPage.tsx'));
const HouseholdEditPage = lazy(() => import('./pages/HouseholdEditPage.tsx'));
const UsersPage = lazy(() => import('./admin/UsersPage.tsx'));
const SecurityPolicyPage = lazy(() => import('./admin/SecurityPolicyPage.tsx'));
const SessionsPage = lazy(() => import('./admin/SessionsPage.tsx'));
const AuditPage = lazy(() => import('./pages/AuditPage.tsx'));
const LoginLogPage = lazy(() => import('./admin/LoginLogPage.tsx'));
const MeasuresPage = lazy(() => import('./pages/MeasuresPage.tsx'));
const AssistanceGapsPage = lazy(() => import('./pages/AssistanceGapsPage.tsx'));
const MemberChangeListPage = lazy(() => import('./pages/MemberChangeListPage.tsx'));
const YearlyUpdatePage = lazy(() => import('./pages/YearlyUpdatePage.tsx'));
const ImportPage = lazy(() => import('./imports/ImportPage.tsx'));
const NationalExchangePage = lazy(() => import('./exchange/NationalExchangePage.tsx'));
const ReportPage = lazy(() => import('./self-report/ReportPage.tsx'));
const SelfReportListPage = lazy(() => import('./self-report/SelfReportListPage.tsx'));
const WarningSubmitPage = lazy(() => import('./intake/WarningSubmitPage.tsx'));
const QueuePage = lazy(() => import('./intake/QueuePage.tsx'));
const PrecisionPage = lazy(() => import('./intake/PrecisionPage.tsx'));
const TaskListPage = lazy(() => import('./intake/TaskListPage.tsx'));
const TaskPage = lazy(() => import('./intake/TaskPage.tsx'));
const MessagesPage = lazy(() => import('./intake/MessagesPage.tsx'));
const ApiTokensPage = lazy(() => import('./admin/ApiTokensPage.tsx'));

export const PageSpin = () => (
  <div style={{ padding: 64, textAlign: 'center' }}>
    <Spin size="large" />
  </div>
);

/** Only a session that has taken every sign-in step gets past this (the server enforces the same). */
function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <PageSpin />;
  if (me.error) {
    if (me.error instanceof ApiError && me.error.status === 401) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
    return <ErrorResult error={me.error} />;
  }
  if (me.data.next) return <Navigate to={STEP_PATHS[me.data.next]} replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

/** Landing page by role: work roles get the 工作台, the three admins their own page. */
function Landing() {
  const me = useMe();
  const role = me.data?.role;
  if (role === 'system_admin') return <Navigate to="/users" replace />;
  if (role === 'audit_admin') return <Navigate to="/audit" replace />;
  if (role === 'security_admin') return <Navigate to="/sessions" replace />;
  if (role && WORK_ROLES.includes(role)) return <WorkbenchPage />;
  return <PageSpin />;
}

export function App() {
  const navigate = useNavigate();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      const here = window.location.pathname;
      if (here !== '/login') navigate('/login', { replace: true, state: { from: here + window.location.search, expired: true } });
    });
    return () => setUnauthorizedHandler(null);
  }, [navigate]);

  return (
    <Suspense fallback={<PageSpin />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/login/verify" element={<VerifyPage />} />
        <Route path="/change-password" element={<ChangePasswordPage />} />
        <Route path="/two-factor/enrol" element={<TwoFactorEnrolPage />} />
        {/* The household self-report page (WRN-5) is public: no login. */}
        <Route path="/report" element={<ReportPage />} />
        <Route
          element={
            <RequireAuth>
              <AppLayout />
            </RequireAuth>
          }
        >
          <Route index element={<Landing />} />
          <Route path="households" element={<HouseholdListPage />} />
          <Route path="households/new" element={<HouseholdNewPage />} />
          <Route path="households/:id" element={<HouseholdDetailPage />} />
          <Route path="households/:id/edit" element={<HouseholdEditPage />} />
          <Route path="measures" element={<MeasuresPage />} />
          <Route path="assistance-gaps" element={<AssistanceGapsPage />} />
          <Route path="member-changes" element={<MemberChangeListPage />} />
          <Route path="yearly-updates" element={<YearlyUpdatePage />} />
          <Route path="imports" element={<ImportPage />} />
          <Route path="exchange/national" element={<NationalExchangePage />} />
          <Route path="cases" element={<CaseListPage />} />
          <Route path="cases/:id" element={<CasePage />} />
          <Route path="self-reports" element={<SelfReportListPage />} />
          <Route path="warnings" element={<WarningSubmitPage />} />
          <Route path="warnings/queue" element={<QueuePage />} />
          <Route path="warnings/precision" element={<PrecisionPage />} />
          <Route path="verification-tasks" element={<TaskListPage />} />
          <Route path="verification-tasks/:id" element={<TaskPage />} />
          <Route path="household-messages" element={<MessagesPage />} />
          <Route path="api-tokens" element={<ApiTokensPage />} />
          <Route path="account" element={<AccountSecurityPage />} />
          <Route path="users" element={<UsersPage />} />
          <Route path="security-policy" element={<SecurityPolicyPage />} />
          <Route path="sessions" element={<SessionsPage />} />
          <Route path="audit" element={<AuditPage />} />
          <Route path="login-log" element={<LoginLogPage />} />
          <Route path="*" element={<ErrorResult error={new ApiError(404, [{ path: '', message: '页面不存在' }])} />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
