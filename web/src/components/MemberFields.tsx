import { Checkbox, Col, Form, Input, InputNumber, Row, Select } from 'antd';
import { HEALTH, LABOR_ABILITY, options, REGISTRATION, RELATION, SCHOOLING } from '../labels.ts';
import { idNumberHint } from '../forms.ts';

const LOCKED_HELP = '点击“查看敏感信息”后方可修改';

/**
 * One member's fields (REG-2, REG-3). `name` is the relative name prefix for Form.Item (the
 * list field's name inside Form.List, [] in a drawer); `path` is the absolute path for watching.
 * `sensitiveLocked` disables the masked fields (ID number, phone, bank account, health);
 * `noteLocked` the support note, when what is shown of it is masked.
 */
export function MemberFields({
  name = [], path = [], sensitiveLocked = false, noteLocked = false,
}: { name?: (string | number)[]; path?: (string | number)[]; sensitiveLocked?: boolean; noteLocked?: boolean }) {
  const n = (f: string) => [...name, f];
  const form = Form.useFormInstance();
  const idNumber = Form.useWatch([...path, 'idNumber'], form);
  const health = Form.useWatch([...path, 'health'], form);
  const hint = sensitiveLocked ? LOCKED_HELP : (idNumberHint(idNumber) ?? '18位，出生日期和性别由身份证号自动识别');
  return (
    <Row gutter={16}>
      <Col xs={12} md={6}>
        <Form.Item name={n('name')} label="姓名" rules={[{ required: true, message: '请输入姓名' }]}>
          <Input maxLength={50} />
        </Form.Item>
      </Col>
      <Col xs={12} md={8}>
        <Form.Item
          name={n('idNumber')}
          label="身份证号"
          extra={hint}
          rules={
            sensitiveLocked
              ? []
              : [
                  { required: true, message: '请输入身份证号' },
                  { pattern: /^\d{17}[\dXx]$/, message: '身份证号应为18位，末位为数字或X' },
                ]
          }
        >
          <Input maxLength={18} className="jb-mono" disabled={sensitiveLocked} />
        </Form.Item>
      </Col>
      <Col xs={12} md={5}>
        <Form.Item name={n('relation')} label="与户主关系" rules={[{ required: true, message: '请选择与户主关系' }]}>
          <Select options={options(RELATION)} />
        </Form.Item>
      </Col>
      <Col xs={12} md={5}>
        <Form.Item name={n('registration')} label="户籍类型" rules={[{ required: true }]}>
          <Select options={options(REGISTRATION)} />
        </Form.Item>
      </Col>
      <Col xs={12} md={6}>
        <Form.Item name={n('laborAbility')} label="劳动能力" rules={[{ required: true, message: '请选择劳动能力' }]}>
          <Select options={options(LABOR_ABILITY)} />
        </Form.Item>
      </Col>
      <Col xs={12} md={6}>
        <Form.Item name={n('health')} label="健康状况" extra={sensitiveLocked ? LOCKED_HELP : undefined}>
          <Select options={options(HEALTH)} disabled={sensitiveLocked} />
        </Form.Item>
      </Col>
      <Col xs={12} md={4}>
        {health === 'disabled' && !sensitiveLocked && (
          <Form.Item name={n('disabilityGrade')} label="残疾等级" rules={[{ required: true, message: '请填写残疾等级' }]}>
            <InputNumber min={1} max={4} precision={0} suffix="级" style={{ width: '100%' }} />
          </Form.Item>
        )}
      </Col>
      <Col xs={12} md={8}>
        <Form.Item name={n('schooling')} label="在校情况">
          <Select allowClear placeholder="不适用" options={options(SCHOOLING)} />
        </Form.Item>
      </Col>
      <Col xs={12} md={8}>
        <Form.Item name={n('employment')} label="务工就业情况">
          <Input maxLength={100} placeholder="如：县内务工、公益性岗位" />
        </Form.Item>
      </Col>
      <Col xs={12} md={8}>
        <Form.Item name={n('phone')} label="联系电话" extra={sensitiveLocked ? LOCKED_HELP : undefined}>
          <Input maxLength={20} disabled={sensitiveLocked} />
        </Form.Item>
      </Col>
      <Col xs={12} md={8}>
        <Form.Item name={n('bankAccount')} label="银行账号（一卡通）" extra={sensitiveLocked ? LOCKED_HELP : undefined}>
          <Input maxLength={30} className="jb-mono" disabled={sensitiveLocked} />
        </Form.Item>
      </Col>
      <Col xs={12} md={8}>
        <Form.Item name={n('livesTogether')} valuePropName="checked" label="共同生活" extra="按共同生活、收支共担认定家庭成员（Q15）">
          <Checkbox>与本户共同生活</Checkbox>
        </Form.Item>
      </Col>
      <Col xs={12} md={8}>
        <Form.Item name={n('urbanGuarantees')} valuePropName="checked" label="城镇保障" extra="享受城镇低保或城镇职工基本养老保险（Q17、Q18）">
          <Checkbox>享受城镇保障</Checkbox>
        </Form.Item>
      </Col>
      <Col xs={24} md={16}>
        <Form.Item name={n('supportNote')} label="赡养、抚养情况" extra={noteLocked ? `含脱敏内容，${LOCKED_HELP}` : undefined}>
          <Input.TextArea disabled={noteLocked} rows={1} autoSize={{ minRows: 1, maxRows: 4 }} maxLength={1000} placeholder="如：子女是否共同生活、赡养能力和履行情况；离异抚养协议或判决执行情况" />
        </Form.Item>
      </Col>
    </Row>
  );
}
