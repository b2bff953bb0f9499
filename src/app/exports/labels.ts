/** Chinese names the exports write for codes the lists show as tags (the web has the same words). */
export const MONITORING_STATUS_NAMES: Readonly<Record<string, string>> = {
  none: '非监测对象', monitored: '监测对象（未消除风险）', eliminated: '风险已消除',
};
