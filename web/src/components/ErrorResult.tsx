import { Button, Result } from 'antd';
import { Link } from 'react-router-dom';
import { ApiError, firstMessage } from '../api.ts';

/** Full-page answer to a failed load: 403 / 404 / 409 / other, with the server's message. */
export function ErrorResult({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const status = error instanceof ApiError ? error.status : 0;
  const message = firstMessage(error);
  if (status === 403)
    return <Result status="403" title="403 无权访问" subTitle={message} extra={<Link to="/"><Button type="primary">返回首页</Button></Link>} />;
  if (status === 404)
    return <Result status="404" title="404 未找到" subTitle={message} extra={<Link to="/"><Button type="primary">返回首页</Button></Link>} />;
  return (
    <Result
      status="error"
      title="加载失败"
      subTitle={message}
      extra={onRetry ? <Button onClick={onRetry}>重试</Button> : undefined}
    />
  );
}
