import { Alert, Card } from 'antd';
import { PrecisionTable } from './PrecisionTable.tsx';

/**
 * 预警精准度 (WRN-6) for the county and above: per department feed and period, how many warnings
 * came, were merged, named persons not in the registry, ended without risk, opened a case, led to
 * an identified household, and the median days from the warning to closing the task.
 */
export default function PrecisionPage() {
  return (
    <>
      <div className="jb-page-title">
        <h2>预警精准度</h2>
      </div>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="按预警日期统计本辖区各行业部门报送的预警。统计用于改进部门数据质量和核实工作，不作为识别数量的考核指标。"
      />
      <Card>
        <PrecisionTable />
      </Card>
    </>
  );
}
