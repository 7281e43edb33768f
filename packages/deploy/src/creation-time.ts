import { DeployError } from './errors.js';

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses a model's `creation_time` into nanoseconds since the epoch, keeping the microseconds
 * that `Date` would drop; a timestamp without a zone is read as UTC (as the course's DAG does).
 * @throws {DeployError} code `CREATION_TIME` when the text is not an ISO 8601 timestamp.
 */
export function parseCreationTime(text: string): bigint {
  const m = ISO_8601.exec(text.trim());
  if (!m) {
    throw new DeployError(
      'CREATION_TIME',
      `creation_time ${JSON.stringify(text)} is not an ISO 8601 timestamp`,
    );
  }
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(ms);
  if (Number.isNaN(ms) || check.getUTCDate() !== Number(d) || check.getUTCHours() !== Number(h)) {
    throw new DeployError(
      'CREATION_TIME',
      `creation_time ${JSON.stringify(text)} is not a valid date`,
    );
  }
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  const nanosOfSecond = BigInt(frac.padEnd(9, '0'));
  return (BigInt(ms) - BigInt(offsetMinutes) * 60_000n) * 1_000_000n + nanosOfSecond;
}

/** Orders two `creation_time`s: negative when `a` is older, 0 when equal, positive when newer. */
export function compareCreationTimes(a: string, b: string): number {
  const diff = parseCreationTime(a) - parseCreationTime(b);
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}
