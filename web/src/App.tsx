import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { Spin } from 'antd';
import { ApiError, setUnauthorizedHandler } from './api.ts';
import { useMe } from './auth.ts';
import { ErrorResult } from './components/ErrorResult.tsx';
import { WORK_ROLES } from './labels.ts';

const LoginPage = lazy(() => import('./pages/LoginPage.tsx'));
const ChangePasswordPage = lazy(() => import('./pages/ChangePasswordPage.tsx'));
const AppLayout = lazy(() => import('./pages/AppLayout.tsx'));
const WorkbenchPage = lazy(() => import('./pages/WorkbenchPage.tsx'));
const CaseListPage = lazy(() => import('./pages/CaseListPage.tsx'));
const CasePage = lazy(() => import('./pages/CasePage.tsx'));
const HouseholdListPage = lazy(() => import('./pages/HouseholdListPage.tsx'));
const HouseholdNewPage = lazy(() => import('./pages/HouseholdNewPage.tsx'));
const HouseholdDetailPage = lazy(() => import('./pages/HouseholdDetailPage.tsx'));
const HouseholdEditPage = lazy(() => import('./pages/HouseholdEditPage.tsx'));
const UsersPage = lazy(() => import('./pages/UsersPage.tsx'));
const AuditPage = lazy(() => import('./pages/AuditPage.tsx'));
const LoginLogPage = lazy(() => import('./pages/LoginLogPage.tsx'));
const MeasuresPage = lazy(() => import('./pages/MeasuresPage.tsx'));
const AssistanceGapsPage = lazy(() => import('./pages/AssistanceGapsPage.tsx'));
const MemberChangeListPage = lazy(() => import('./pages/MemberChangeListPage.tsx'));
const YearlyUpdatePage = lazy(() => import('./pages/YearlyUpdatePage.tsx'));

export const PageSpin = () => (
  <div style={{ padding: 64, textAlign: 'center' }}>
    <Spin size="large" />
  </div>
);

/** Only a signed-in user with a changed password gets past this (the server enforces the same). */
function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <PageSpin />;
  if (me.error) {
    if (me.error instanceof ApiError && me.error.status === 401) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
    return <ErrorResult error={me.error} />;
  }
  if (me.data.mustChangePassword) return <Navigate to="/change-password" replace />;
  return <>{children}</>;
}

/** Landing page by role: work roles get the 工作台, the three admins their own page. */
function Landing() {
  const me = useMe();
  const role = me.data?.role;
  if (role === 'system_admin') return <Navigate to="/users" replace />;
  if (role === 'audit_admin') return <Navigate to="/audit" replace />;
  if (role === 'security_admin') return <Navigate to="/login-log" replace />;
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
        <Route path="/change-password" element={<ChangePasswordPage />} />
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
          <Route path="cases" element={<CaseListPage />} />
          <Route path="cases/:id" element={<CasePage />} />
          <Route path="users" element={<UsersPage />} />
          <Route path="audit" element={<AuditPage />} />
          <Route path="login-log" element={<LoginLogPage />} />
          <Route path="*" element={<ErrorResult error={new ApiError(404, [{ path: '', message: '页面不存在' }])} />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
