/** apimachinery util/duration.HumanDuration and the printers' translateTimestampSince. */

/**
 * Human-readable approximation of a duration, exactly duration.HumanDuration: "<invalid>" below
 * -1s, "0s" for small negatives, then s, m[s], m, h[m], h, d[h], d, y[d], y.
 *
 * @example
 * humanDuration(90_000); // "90s"
 * humanDuration(3 * 3600_000 + 5 * 60_000); // "3h5m"
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const years = Math.trunc(hours / 24 / 365);
    const days = Math.trunc(hours / 24) % 365;
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an RFC 3339 timestamp as metav1.Time does. Returns `null` for the zero time (missing,
 * "" or "null") and `NaN` when the text is not RFC 3339.
 */
export function parseTimestamp(ts: string | null | undefined): number | null {
  if (ts === undefined || ts === null || ts === '' || ts === 'null') return null;
  if (!rfc3339.test(ts)) return Number.NaN;
  const millis = Date.parse(ts);
  return millis === -62135596800000 ? null : millis;
}

/**
 * Age column text: human duration since `ts`, "<unknown>" for a missing/zero timestamp.
 *
 * @example
 * translateTimestampSince('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:05:00Z')); // "5m"
 */
export function translateTimestampSince(ts: string | null | undefined, now: number): string {
  const millis = parseTimestamp(ts);
  if (millis === null || Number.isNaN(millis)) return '<unknown>';
  return humanDuration(now - millis);
}
