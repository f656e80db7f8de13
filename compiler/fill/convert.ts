// Conversion of a parameter value to a field's declared EAGLE type (§1.5).
// Parameters arrive as JSON values (--params) or as strings (-p name=value, graph configs),
// so each type accepts its own JSON form and its usual text form.

export type Converted = { ok: true; value: unknown } | { ok: false; reason: string };

const INTEGER_TEXT = /^[+-]?\d+$/;
const TRUE_TEXT = new Set(['true', '1', 'yes', 'on']);
const FALSE_TEXT = new Set(['false', '0', 'no', 'off']);

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
      if (typeof value === 'number' && Number.isInteger(value)) return { ok: true, value };
      if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) return { ok: true, value: Number(value.trim()) };
      return { ok: false, reason: 'is not an integer' };
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
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '…' : s;
}
