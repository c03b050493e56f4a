const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const month = `(${months.join('|')})`;
const time = '(\\d{2}):(\\d{2}):(\\d{2})';

// The three HTTP-date forms a recipient must accept (RFC 9110 §5.6.7). Date.parse is not used:
// it accepts far more than HTTP allows and reads asctime as local time.
const imfFixdate = new RegExp(`^[A-Z][a-z]{2}, (\\d{2}) ${month} (\\d{4}) ${time} GMT$`);
const rfc850 = new RegExp(`^[A-Z][a-z]+, (\\d{2})-${month}-(\\d{2}) ${time} GMT$`);
const asctime = new RegExp(`^[A-Z][a-z]{2} ${month} ([ \\d]\\d) ${time} (\\d{4})$`);

function utc(year: number, monthName: string, day: number, h: string, m: string, s: string): number {
  return Date.UTC(year, months.indexOf(monthName), day, Number(h), Number(m), Number(s));
}

/** Epoch ms of an HTTP-date, or NaN. */
function parseHttpDate(value: string, nowMs: number): number {
  let match = imfFixdate.exec(value);
  if (match) return utc(Number(match[3]), match[2], Number(match[1]), match[4], match[5], match[6]);
  match = asctime.exec(value);
  if (match) return utc(Number(match[6]), match[1], Number(match[2].trim()), match[3], match[4], match[5]);
  match = rfc850.exec(value);
  if (!match) return NaN;
  // A two-digit year more than 50 years ahead is read as the past century (RFC 9110).
  let year = 2000 + Number(match[3]);
  if (year > new Date(nowMs).getUTCFullYear() + 50) year -= 100;
  return utc(year, match[2], Number(match[1]), match[4], match[5], match[6]);
}

/**
 * The delay a `Retry-After` header asks for, in ms: delta-seconds or an HTTP-date, never below 0
 * (a date in the past means "now") and never above `capMs`, so a receiver cannot park a delivery
 * for a year. null when absent or unreadable: the policy's delay then applies unchanged.
 */
export function parseRetryAfter(value: string | null, nowMs: number, capMs: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(capMs, Number(trimmed) * 1000);
  const at = parseHttpDate(trimmed, nowMs);
  if (Number.isNaN(at)) return null;
  return Math.min(capMs, Math.max(0, at - nowMs));
}
