const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Formats a timestamp as the course's DAG parses it: UTC `YYYY-MM-DDTHH:MM:SS.ffffffZ`
 * (`%Y-%m-%dT%H:%M:%S.%fZ`), keeping the microseconds of the input string.
 * A timestamp without an offset is taken as UTC.
 * @throws {Error} when the string is not an ISO-8601 date-time.
 */
export function toMicrosecondUtc(value: string): string {
  const m = ISO.exec(value.trim());
  if (!m) throw new Error(`creation_time "${value}" is not an ISO-8601 date-time`);
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  const micros = frac.padEnd(6, '0').slice(0, 6);
  const offset = zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const wholeSeconds = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  if (Number.isNaN(wholeSeconds)) throw new Error(`creation_time "${value}" is not a valid date`);
  return `${new Date(wholeSeconds).toISOString().slice(0, 19)}.${micros}Z`;
}
