import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Space } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { api, ApiError, type FieldError } from '../api.ts';
import { useMe } from '../auth.ts';
import { HouseholdFields } from '../components/HouseholdFields.tsx';
import { MemberFields } from '../components/MemberFields.tsx';
import {
  applyServerErrors, describePath, householdPayload, memberPayload, newMember, type HouseholdFormValues, type MemberFormValues,
} from '../forms.ts';
import { HANDLING_ROLES } from '../labels.ts';
import { ErrorResult } from '../components/ErrorResult.tsx';
import type { HouseholdDetail } from '../types.ts';

interface NewHouseholdForm {
  household: HouseholdFormValues;
  members: MemberFormValues[];
}

/** 新增农户: household and its members in one request (POST /households). */
export default function HouseholdNewPage() {
  const me = useMe().data!;
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<NewHouseholdForm>();
  const [problems, setProblems] = useState<FieldError[] | null>(null);
  const [busy, setBusy] = useState(false);
  const isVillage = me.regionLevel === 5;

  if (!HANDLING_ROLES.includes(me.role))
    return <ErrorResult error={new ApiError(403, [{ path: '', message: '您的角色无权登记农户' }])} />;

  async function onFinish(v: NewHouseholdForm) {
    setBusy(true);
    setProblems(null);
    try {
      const body = { household: householdPayload(v.household), members: (v.members ?? []).map(memberPayload) };
      const saved = await api.post<HouseholdDetail>('/households', body);
      message.success('农户已登记');
      await qc.invalidateQueries({ queryKey: ['households'] });
      navigate(`/households/${saved.id}`, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) {
        applyServerErrors(form, e.errors);
        setProblems(e.errors);
      } else setProblems(e instanceof ApiError ? e.errors : [{ path: '', message: String(e) }]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <div className="jb-page-title">
        <h2>新增农户</h2>
        <Link to="/households">返回农户列表</Link>
      </div>
      <Form<NewHouseholdForm>
        form={form}
        name="hh"
        layout="vertical"
        onFinish={onFinish}
        onFinishFailed={() => message.error('请检查标红的字段')}
        scrollToFirstError
        initialValues={{
          household: { regionCode: isVillage ? me.regionCode : undefined, formerlyPoor: false, responsibilityBasis: 'registration' },
          members: [newMember('head')],
        }}
      >
        {problems && problems.length > 0 && (
          <Alert
            data-testid="form-errors"
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            title="提交未成功，请修改以下问题"
            description={
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {problems.map((p, i) => (
                  <li key={i}>{p.path ? `${describePath(p.path)}：${p.message}` : p.message}</li>
                ))}
              </ul>
            }
          />
        )}
        <Card title="农户信息" style={{ marginBottom: 16 }}>
          <HouseholdFields prefix={['household']} lockRegion={isVillage} />
        </Card>
        <Form.List name="members">
          {(fields, { add, remove }, { errors }) => (
            <Card
              title={`家庭成员（${fields.length}人）`}
              style={{ marginBottom: 16 }}
              extra={
                <Button icon={<PlusOutlined />} onClick={() => add(newMember('child'))} data-testid="add-member">
                  添加成员
                </Button>
              }
            >
              {fields.map((field, i) => (
                <Card
                  key={field.key}
                  type="inner"
                  size="small"
                  data-testid={`member-${i}`}
                  title={`成员 ${i + 1}`}
                  style={{ marginBottom: 12 }}
                  extra={
                    fields.length > 1 && (
                      <Button size="small" danger type="text" icon={<DeleteOutlined />} onClick={() => remove(field.name)}>
                        删除
                      </Button>
                    )
                  }
                >
                  <MemberFields name={[field.name]} path={['members', field.name]} />
                </Card>
              ))}
              <Form.ErrorList errors={errors} />
            </Card>
          )}
        </Form.List>
        <Space>
          <Button type="primary" htmlType="submit" loading={busy} size="large">
            提交登记
          </Button>
          <Button size="large" onClick={() => navigate('/households')}>
            取消
          </Button>
        </Space>
      </Form>
    </>
  );
}
