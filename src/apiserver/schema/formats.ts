/**
 * String formats the API server checks (kube-openapi strfmt registry after
 * StripUnsupportedFormatsPostProcess). Unknown formats — and the numeric formats int32, int64,
 * float and double, which upstream never range-checks — are accepted.
 */
import { isIP, isIPv4, isIPv6 } from 'node:net';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DURATION = /^\s*(?:[+-]?\d+(?:\.\d+)?\s*(?:ns|us|µs|ms|s|m|h|d|w|second|seconds|sec|secs|minute|minutes|min|mins|hour|hours|hr|hrs|day|days|week|weeks)\s*)+$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;
const HOSTNAME = /^(?=.{1,255}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const MAC = /^(?:[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){7}|[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){19}|(?:[0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4})$/;

function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function isDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  return !!m && isDate(m[1]) && Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 61;
}

function isCIDR(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  const version = isIP(ip);
  return version !== 0 && Number(bits) <= (version === 4 ? 32 : 128);
}

const CHECKS: Record<string, (s: string) => boolean> = {
  byte: (s) => BASE64.test(s),
  date: isDate,
  'date-time': isDateTime,
  datetime: isDateTime,
  duration: (s) => DURATION.test(s),
  uuid: (s) => UUID.test(s),
  email: (s) => EMAIL.test(s),
  hostname: (s) => HOSTNAME.test(s),
  ipv4: (s) => isIPv4(s),
  ipv6: (s) => isIPv6(s),
  cidr: isCIDR,
  mac: (s) => MAC.test(s),
  // strfmt's uri is Go url.Parse, which only rejects control characters and spaces in the host.
  uri: (s) => ![...s].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f),
};

/** True when `format` is known and `value` does not conform to it. */
export function violatesFormat(format: string, value: string): boolean {
  const check = CHECKS[format];
  return check !== undefined && !check(value);
}

/** True when the server validates strings of this format. */
export function isKnownFormat(format: string): boolean {
  return format in CHECKS;
}
