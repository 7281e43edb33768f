// creation_time is always `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, microseconds), the format the
// course's deployment DAG parses; fixed width makes string order equal time order.
const CREATION_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/;

/** True when `text` is a real UTC instant written as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
export function isCreationTime(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const m = CREATION_TIME.exec(text);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return (
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === s
  );
}

/** Orders two valid creation times: negative when `a` is older, 0 when equal, positive when newer. */
export function compareCreationTimes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
