// Conversion of a parameter value to a field's declared EAGLE type (§1.5).
// Parameters arrive as JSON values (--params) or as strings (-p name=value, graph configs),
// so each type accepts its own JSON form and its usual text form.

export type Converted = { ok: true; value: unknown } | { ok: false; reason: string };

const INTEGER_TEXT = /^[+-]?\d+$/;
const TRUE_TEXT = new Set(['true', '1', 'yes', 'on']);
const FALSE_TEXT = new Set(['false', '0', 'no', 'off']);

/**
 * An integer: a JSON number that is one, or a string of digits. Numbers written as strings
 * in other forms ("1e3", "3.0", "0x10", " 1_000") and non-finite numbers (1e309) are not.
 */
export function integerOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v === 'string' && INTEGER_TEXT.test(v.trim())) {
    const n = Number(v.trim());
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/** Why `v` is not an integer, for messages: "is not an integer (write it as 1000)". */
export function notIntegerReason(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return 'is not an integer (the number is out of range)';
  if (typeof v === 'string') {
    const t = v.trim();
    if (INTEGER_TEXT.test(t)) return 'is not an integer that can be represented exactly (more than 2^53)';
    const n = t === '' ? NaN : Number(t);
    if (Number.isSafeInteger(n)) return `is not an integer (write it in digits: ${n})`;
  }
  return 'is not an integer';
}

/** The text form of a value inside a longer string: JSON for objects, plain for the rest. */
export function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  if (v === null || typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * Converts `value` to `type`. Types that do not constrain the value (Object, Object.*,
 * Unknown, Python, Event, missing) keep it as it is.
 */
export function convertToType(value: unknown, type: unknown, options?: unknown): Converted {
  switch (type) {
    case 'Integer': {
      const n = integerOf(value);
      return n === undefined ? { ok: false, reason: notIntegerReason(value) } : { ok: true, value: n };
    }
    case 'Float': {
      if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value };
      if (typeof value === 'string' && value.trim() !== '') {
        const n = Number(value.trim());
        if (Number.isFinite(n)) return { ok: true, value: n };
      }
      return { ok: false, reason: 'is not a number' };
    }
    case 'Boolean': {
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 1 || value === 0) return { ok: true, value: value === 1 };
      if (typeof value === 'string') {
        const t = value.trim().toLowerCase();
        if (TRUE_TEXT.has(t)) return { ok: true, value: true };
        if (FALSE_TEXT.has(t)) return { ok: true, value: false };
      }
      return { ok: false, reason: 'is not a boolean (true/false, 1/0, yes/no)' };
    }
    case 'String':
    case 'Password':
      return { ok: true, value: textOf(value) };
    case 'Json': {
      // EAGLE stores Json fields as JSON text.
      if (typeof value !== 'string') return { ok: true, value: JSON.stringify(value ?? null) };
      try {
        JSON.parse(value);
        return { ok: true, value };
      } catch {
        return { ok: false, reason: 'is not valid JSON text' };
      }
    }
    case 'Select': {
      const choices = Array.isArray(options) ? options.map(textOf) : [];
      const text = textOf(value);
      if (choices.length === 0 || choices.includes(text)) return { ok: true, value: text };
      return { ok: false, reason: `is not one of the options (${choices.map((c) => JSON.stringify(c)).join(', ')})` };
    }
    default:
      return { ok: true, value };
  }
}

/** A short, quoted rendering of a value for messages. */
export function show(v: unknown): string {
  // JSON.stringify writes Infinity (what 1e309 parses to) and NaN as null.
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '…' : s;
}
