import type { LabelMap } from '../labels.ts';
import type { UserAction } from '../../../src/app/users/views.ts';

/** Outcomes of the login log (migration 007_accounts.sql). */
export const LOGIN_OUTCOME: LabelMap = {
  success: '登录成功', password_ok: '密码正确待验证', bad_password: '密码错误', bad_code: '动态口令错误', locked: '账号锁定',
  unknown_user: '用户不存在', disabled: '账号停用', one_time_password_spent: '一次性密码失效', logout: '退出登录',
  idle_timeout: '超时退出', forced_logout: '强制下线', password_changed: '修改密码', two_factor_enrolled: '绑定验证器',
  two_factor_disabled: '关闭双因素',
};

export const LOGIN_OUTCOME_COLOR: LabelMap = {
  success: 'green', password_ok: 'cyan', bad_password: 'orange', bad_code: 'orange', locked: 'red', unknown_user: 'orange',
  disabled: 'red', one_time_password_spent: 'orange', logout: 'default', idle_timeout: 'default', forced_logout: 'volcano',
  password_changed: 'blue', two_factor_enrolled: 'blue', two_factor_disabled: 'gold',
};

export const USER_ACTION: Record<UserAction, string> = {
  edit: '修改', disable: '停用', enable: '启用', reset_password: '重置密码', unlock: '解除锁定', reset_two_factor: '重置双因素',
};

export const USER_STATE: LabelMap = { active: '正常（未停用）', disabled: '已停用', locked: '锁定中', must_change: '待改初始密码' };
