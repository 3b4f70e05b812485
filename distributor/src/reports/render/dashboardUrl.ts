import type { Schedule } from '../schedule.js';

/** The dashboard of a schedule as Chromium opens it: kiosk mode, the schedule's range, zone and variables. */
export function dashboardUrl(
  grafanaUrl: string,
  orgId: number,
  schedule: Pick<Schedule, 'dashboardUid' | 'range' | 'timeZone' | 'variables'>,
  kiosk: boolean,
): string {
  const url = new URL(
    `d/${encodeURIComponent(schedule.dashboardUid)}`,
    grafanaUrl.endsWith('/') ? grafanaUrl : `${grafanaUrl}/`,
  );
  url.searchParams.set('orgId', String(orgId));
  url.searchParams.set('from', schedule.range.from);
  url.searchParams.set('to', schedule.range.to);
  url.searchParams.set('timezone', schedule.timeZone);
  url.searchParams.set('tz', schedule.timeZone);
  for (const [name, value] of Object.entries(schedule.variables)) {
    for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(`var-${name}`, one);
  }
  // Grafana reads `kiosk` as a bare flag.
  return kiosk ? `${url.toString()}&kiosk` : url.toString();
}
