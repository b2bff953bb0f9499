import { Link } from 'react-router-dom';
import { Button, Card, Col, Row, Space, Typography } from 'antd';
import { HomeOutlined, PlusOutlined } from '@ant-design/icons';
import { useMe } from '../auth.ts';
import { HANDLING_ROLES } from '../labels.ts';

/** 工作台: a welcome and the entry points; task lists and statistics come later. */
export default function HomePage() {
  const me = useMe().data!;
  const hour = new Date().getHours();
  const greeting = hour < 12 ? '上午好' : hour < 18 ? '下午好' : '晚上好';
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {greeting}，{me.displayName}
        </Typography.Title>
        <Typography.Paragraph>
          您的角色是 <b>{me.roleName}</b>，管辖区域为 <b>{me.regionName ?? me.regionCode}</b>。您看到和办理的农户均限于本辖区。
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          防止返贫动态监测和帮扶：早发现、早干预、早帮扶，坚决守住不发生规模性返贫的底线。
        </Typography.Paragraph>
      </Card>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Card title="农户管理">
            <Typography.Paragraph>查询本辖区农户及家庭成员，导出农户名单。</Typography.Paragraph>
            <Space>
              <Link to="/households">
                <Button icon={<HomeOutlined />}>农户列表</Button>
              </Link>
              {HANDLING_ROLES.includes(me.role) && (
                <Link to="/households/new">
                  <Button type="primary" icon={<PlusOutlined />}>
                    新增农户
                  </Button>
                </Link>
              )}
            </Space>
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card title="待办提醒">
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              监测识别、帮扶措施和风险消除的办理时限提醒将在此显示。
            </Typography.Paragraph>
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
