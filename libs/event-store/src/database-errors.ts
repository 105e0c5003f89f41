/**
 * A database error that retrying cannot cure: the data itself is refused (SQLSTATE class 22, data
 * exception: a value out of range, a NUL in text, a malformed time; class 54: a program limit, such
 * as a value too large to index). A lost connection, a deadlock or a serialisation failure is
 * transient and is retried instead. Answers the database's reason, without the statement's
 * parameters (they may hold personal details).
 */
export function permanentDatabaseError(error: unknown): string | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !/^(22|54)/.test(code)) return undefined;
  return `${typeof message === 'string' ? message : 'refused by the database'} (SQLSTATE ${code})`;
}
