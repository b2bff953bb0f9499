import type { YearlyUpdateRow } from '../../store/yearly-updates.ts';
import { viewText, type Viewer } from '../privacy.ts';

/** API shape of one household's yearly basic-information update task (REG-6); its note as the viewer may see it. */
export function yearlyUpdateView(
  u: YearlyUpdateRow & { region_name?: string | null; head_name?: string | null; monitoring_status?: string; monitoring_category?: string | null; eliminated_on?: string | null },
  viewer: Viewer,
) {
  return {
    id: u.id,
    householdId: u.household_id,
    year: u.year,
    regionCode: u.region_code,
    ...(u.region_name !== undefined ? { regionName: u.region_name } : {}),
    ...(u.head_name !== undefined ? { headName: u.head_name } : {}),
    ...(u.monitoring_status !== undefined
      ? { monitoringStatus: u.monitoring_status, monitoringCategory: u.monitoring_category ?? null, eliminatedOn: u.eliminated_on ?? null }
      : {}),
    status: u.status,
    openedOn: u.opened_on,
    doneOn: u.done_on,
    doneBy: u.done_by_name,
    note: viewText(viewer, u.note),
    version: u.version,
  };
}
