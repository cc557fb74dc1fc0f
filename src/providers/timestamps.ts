/**
 * Signed timestamps: unix seconds or milliseconds, and ISO 8601 / RFC 3339 date-times (Zendesk,
 * Twitch), checked against the provider's tolerance either way. Pure: ships in the ingest bundle only.
 */
import type { TimestampUnit } from './provider-config';
import type { RejectionReason } from './verification-result';

/** Longest timestamp the fixed schemes accept: 12 digits is beyond the year 33000 and far below 2^53. */
const MAX_UNIX_DIGITS = 12;

/** Longest timestamp the generic engine accepts (milliseconds too); 15 digits stay below 2^53. */
const MAX_ENGINE_DIGITS = 15;

/**
 * Why a signed unix-seconds timestamp of a fixed scheme is unacceptable, or undefined when it is
 * within `tolerance` seconds of `now` either way. Only plain decimal digits are accepted. NaN
 * anywhere rejects (fail closed).
 */
export function checkUnixTimestamp(timestamp: string | undefined, now: number, tolerance: number): RejectionReason | undefined {
  if (timestamp === undefined || timestamp === '') {
    return 'missing_timestamp';
  }
  return checkAge(decimal(timestamp, MAX_UNIX_DIGITS), now, tolerance);
}

/** Why a signed timestamp is unacceptable, or undefined when it is within the tolerance either way. */
export function checkTimestamp(timestamp: string | undefined, unit: TimestampUnit, now: number, tolerance: number): RejectionReason | undefined {
  if (timestamp === undefined || timestamp === '') return 'missing_timestamp';
  return checkAge(secondsOf(timestamp, unit), now, tolerance);
}

function checkAge(seconds: number | undefined, now: number, tolerance: number): RejectionReason | undefined {
  if (seconds === undefined) return 'malformed_signature';
  const age = now - seconds;
  if (age <= tolerance && -age <= tolerance) return undefined;
  return age < 0 ? 'future_timestamp' : 'stale_timestamp';
}

function secondsOf(text: string, unit: TimestampUnit): number | undefined {
  if (unit === 'iso') return isoSeconds(text);
  const value = decimal(text, MAX_ENGINE_DIGITS);
  return value !== undefined && unit === 'ms' ? value / 1000 : value;
}

/** The value of 1 to `maxDigits` plain decimal digits (`/^\d{1,n}$/`, then `Number`), or undefined. */
function decimal(text: string, maxDigits: number): number | undefined {
  if (text.length === 0 || text.length > maxDigits) return undefined;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Unix seconds of an ISO 8601 / RFC 3339 date-time (Zendesk, Twitch), or undefined. The usual
 * layout (`2021-03-25T05:09:27[.123456789](Z|±hh:mm)`, fields in range) is read digit by digit
 * and counted in integer arithmetic: a regular expression with captures and `Date.parse` would
 * cost a sixth of the HMAC itself. Anything else is left to `Date.parse`, the reference, which
 * this matches exactly.
 */
export function isoSeconds(text: string): number | undefined {
  const fast = typeof text === 'string' ? fastIsoMillis(text) : undefined;
  if (fast !== undefined) return fast / 1000;
  if (!ISO_DATE_TIME.test(text)) return undefined;
  // Date.parse takes milliseconds at most: drop finer digits (RFC 3339 nanoseconds, Twitch).
  const ms = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/** The value of `count` digits of `text` at `at`, or -1 when one is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** Scale of the first one to three fraction digits to milliseconds. */
const FRACTION_SCALE = [0, 100, 10, 1];

/**
 * The milliseconds of the usual layout with every field in range; undefined for anything else.
 * Character codes only (no one-character strings), read once each.
 */
function fastIsoMillis(text: string): number | undefined {
  const length = text.length;
  if (length < 20 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH || text.charCodeAt(10) !== 84 /* T */
    || text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) return undefined;
  const century = twoDigitsAt(text, 0);
  const yearOfCentury = twoDigitsAt(text, 2);
  const year = century < 0 || yearOfCentury < 0 ? -1 : century * 100 + yearOfCentury;
  const month = twoDigitsAt(text, 5);
  const day = twoDigitsAt(text, 8);
  const hour = twoDigitsAt(text, 11);
  const minute = twoDigitsAt(text, 14);
  const second = twoDigitsAt(text, 17);
  let at = 19;
  let millis = 0;
  if (text.charCodeAt(at) === 46 /* . */) {
    let count = 0;
    while (count < 10 && isDigit(text.charCodeAt(at + 1 + count))) count++;
    if (count === 0 || count > 9) return undefined;
    const kept = count < 3 ? count : 3;
    millis = digitsAt(text, at + 1, kept) * FRACTION_SCALE[kept];
    at += 1 + count;
  }
  let offsetMinutes = 0;
  const zone = text.charCodeAt(at);
  if (zone === 90 /* Z */ && at + 1 === length) {
    offsetMinutes = 0;
  } else if ((zone === PLUS || zone === DASH) && at + 6 === length && text.charCodeAt(at + 3) === COLON) {
    const hours = twoDigitsAt(text, at + 1);
    const minutes = twoDigitsAt(text, at + 4);
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
    offsetMinutes = (zone === DASH ? -1 : 1) * (hours * 60 + minutes);
  } else {
    return undefined;
  }
  const inRange = year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23
    && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
  if (!inRange) return undefined;
  // The 29th to the 31st exist only in some months.
  if (day > 28 && day > daysInMonth(year, month)) return undefined;
  const seconds = daysSinceEpoch(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
  return seconds * 1000 + millis - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (what `Date.UTC` counts), in integer
 * arithmetic (H. Hinnant's days_from_civil); the years here are 1000 to 9999.
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The value of the two digits of `text` at `at`, or -1 when either is not a digit (or is past the end). */
function twoDigitsAt(text: string, at: number): number {
  const tens = text.charCodeAt(at) - 48;
  const units = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && units >= 0 && units <= 9 ? tens * 10 + units : -1;
}

const DASH = 45;
const PLUS = 43;
const COLON = 58;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
