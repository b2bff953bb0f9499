import { Col, DatePicker, Form, Input, InputNumber, Radio, Row, Select } from 'antd';
import { options, RESPONSIBILITY_BASIS } from '../labels.ts';
import { RegionCascader } from './RegionCascader.tsx';

/**
 * Household fields (REG-1, REG-4). `prefix` is the name path the fields sit under
 * (['household'] on the registration form, [] on the edit form). `maskedFields` are shown
 * with masked numbers (SEC-3) and cannot be edited here, or the masks would be saved.
 */
export function HouseholdFields({ prefix = [] as string[], lockRegion = false, maskedFields = [] as string[] }: { prefix?: string[]; lockRegion?: boolean; maskedFields?: string[] }) {
  const n = (f: string) => [...prefix, f];
  const masked = (f: string) => maskedFields.includes(f) ? { disabled: true } : {};
  const maskedHelp = (f: string) => (maskedFields.includes(f) ? { extra: '含脱敏内容：请在农户详情页“查看敏感信息”后再编辑' } : {});
  const form = Form.useFormInstance();
  const formerlyPoor = Form.useWatch(n('formerlyPoor'), form);
  const basis = Form.useWatch(n('responsibilityBasis'), form);
  return (
    <Row gutter={16}>
      <Col xs={24} md={12}>
        <Form.Item
          name={n('regionCode')}
          label="负责村（责任区划）"
          rules={[{ required: true, message: '请选择负责村' }]}
          extra={lockRegion ? '村级账号只能登记本村农户' : '选择到村一级'}
        >
          <RegionCascader changeOnSelect={false} placeholder="请选择到村" disabled={lockRegion} allowClear={!lockRegion} />
        </Form.Item>
      </Col>
      <Col xs={12} md={6}>
        <Form.Item name={n('villageGroup')} label="村民小组" {...maskedHelp('villageGroup')}>
          <Input placeholder="如：第三组" maxLength={50} {...masked('villageGroup')} />
        </Form.Item>
      </Col>
      <Col xs={12} md={6}>
        <Form.Item name={n('address')} label="住址" {...maskedHelp('address')}>
          <Input placeholder="门牌号等" maxLength={200} {...masked('address')} />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item name={n('formerlyPoor')} label="户类型" rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            options={[
              { value: false, label: '一般农户' },
              { value: true, label: '脱贫户' },
            ]}
          />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        {formerlyPoor && (
          <Form.Item
            name={n('povertyExitYear')}
            label="脱贫年度"
            rules={[{ required: true, message: '请填写脱贫年度' }]}
            extra="2013-2020年；2020年脱贫户为重点关注群体"
          >
            <InputNumber min={2013} max={2020} precision={0} style={{ width: 160 }} placeholder="如 2019" />
          </Form.Item>
        )}
      </Col>
      <Col xs={12} md={6}>
        <Form.Item name={n('dibaoSince')} label="农村低保起始日期">
          <DatePicker style={{ width: '100%' }} placeholder="未享受" />
        </Form.Item>
      </Col>
      <Col xs={12} md={6}>
        <Form.Item name={n('tekunSince')} label="分散供养特困起始日期">
          <DatePicker style={{ width: '100%' }} placeholder="未享受" />
        </Form.Item>
      </Col>
      <Col xs={12} md={6}>
        <Form.Item name={n('relocatedSince')} label="易地扶贫搬迁日期">
          <DatePicker style={{ width: '100%' }} placeholder="非搬迁户" />
        </Form.Item>
      </Col>
      <Col xs={12} md={6}>
        <Form.Item name={n('disabledHouseholdSince')} label="残疾人家庭认定日期">
          <DatePicker style={{ width: '100%' }} placeholder="否" />
        </Form.Item>
      </Col>
      <Col xs={24} md={8}>
        <Form.Item name={n('responsibilityBasis')} label="责任认定依据" extra="户籍地负责；常住地可经协商接续；易地搬迁户由迁入地负责（Q19）">
          <Select options={options(RESPONSIBILITY_BASIS)} />
        </Form.Item>
      </Col>
      <Col xs={24} md={16}>
        {basis && basis !== 'registration' && (
          <Form.Item
            name={n('responsibilityReason')}
            label="由常住地/迁入地负责的原因"
            rules={[{ required: true, message: '请填写原因（Q19）' }]}
            {...maskedHelp('responsibilityReason')}
          >
            <Input.TextArea rows={2} maxLength={500} {...masked('responsibilityReason')} />
          </Form.Item>
        )}
      </Col>
    </Row>
  );
}
