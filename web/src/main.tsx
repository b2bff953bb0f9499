import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, type ConfigProviderProps } from 'antd';
import zhCNModule from 'antd/locale/zh_CN.js';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { ApiError } from './api.ts';
import { App } from './App.tsx';
import './styles.css';

dayjs.locale('zh-cn');

// antd/locale/zh_CN is CommonJS; depending on interop its default import is the locale or a
// module object holding it as `default`. Unwrap either way.
const zhCN = ((zhCNModule as any).default ?? zhCNModule) as ConfigProviderProps['locale'];

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Client errors (401/403/404…) are answers, not glitches: do not retry them.
      retry: (count, e) => !(e instanceof ApiError && e.status >= 400 && e.status < 500) && count < 2,
      refetchOnWindowFocus: false,
      staleTime: 10_000,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} theme={{ token: { colorPrimary: '#1d5fb8', borderRadius: 4 } }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
