/**
 * What every database downstream can store. The event schemas say `date-time` (RFC 3339), which
 * allows offsets up to ±23:59; PostgreSQL stores offsets up to ±15:59 and refuses the rest, and
 * it stores no NUL character in text nor JSON with half a surrogate pair. A value accepted at an
 * agency's edge, or read from a topic, is checked against these so it can be stored and passed on.
 */
const INSTANT = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-](0\d|1[0-5]):[0-5]\d)$/i;

/** RFC 3339 date-time with a zone, a day its month has, and an offset PostgreSQL can store. */
export function isInstant(value: unknown): boolean {
  if (typeof value !== 'string' || !INSTANT.test(value)) return false;
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  // A day the month does not have (2023-02-29) is refused, not rolled over into the next month.
  return year >= 1 && new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

/** A NUL, or half a UTF-16 surrogate pair (a lone surrogate). */
const UNSTORABLE_CHARACTER = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Deeper than any command or event is: a body nested further is refused before anything walks it. */
export const MAX_NESTING = 32;

/**
 * Where a value holds text no database downstream can store, or nests deeper than any command or
 * event does, and why; undefined when it does neither.
 */
export function unstorableText(value: unknown, path: string, depth = 0): { readonly path: string; readonly reason: string } | undefined {
  if (depth > MAX_NESTING) return { path, reason: `nests deeper than ${MAX_NESTING} levels, deeper than any command or event` };
  if (typeof value === 'string') {
    const found = UNSTORABLE_CHARACTER.exec(value);
    if (!found) return undefined;
    const what = found[0] === '\u0000' ? 'a NUL character' : 'half a UTF-16 surrogate pair (not a character)';
    return { path, reason: `holds ${what}, which no database downstream can store` };
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = unstorableText(item, `${path}.${index}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = unstorableText(key, path, depth + 1) ?? unstorableText(item, path ? `${path}.${key}` : key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}
