/** Calendar dates are China Standard Time (UTC+8, no daylight saving), whatever the server's zone. */
export function chinaDate(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
