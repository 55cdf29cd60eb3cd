/** Go `time.ParseDuration` for `spec.updateStrategy.registryPoll.interval` (olm.md §3.1). */

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Default poll interval when the interval cannot be parsed (upstream `DefaultRegistryPollDuration`). */
export const DEFAULT_POLL_MS = 15 * 60_000;

/**
 * Milliseconds of a Go duration string (`45m`, `1h30m`, `30s`, `1.5h`); throws with Go's message otherwise.
 * @example parseGoDuration('1h30m') // 5_400_000
 */
export function parseGoDuration(text: string): number {
  const fail = (): never => {
    throw new Error(`time: invalid duration "${text}"`);
  };
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (!s) fail();
  let total = 0;
  const re = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (s) {
    const m = re.exec(s);
    if (!m) {
      if (/^(\d+\.?\d*|\.\d+)/.test(s)) throw new Error(`time: missing unit in duration "${text}"`);
      fail();
    }
    total += Number(m![1]) * UNITS[m![2]];
    s = s.slice(m![0].length);
  }
  return sign * total;
}

/** Go's `Duration.String()` for whole seconds and up: `15m0s`, `1h0m0s`, `30s`. */
export function formatGoDuration(ms: number): string {
  const secs = Math.round(ms / 1000);
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  if (h) return `${h}h${m}m${s}s`;
  if (m) return `${m}m${s}s`;
  return `${s}s`;
}
