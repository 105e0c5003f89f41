import type { Request, Response } from 'express';
import { toCsv } from './csv';

/** CSV when asked for with ?format=csv or Accept: text/csv (and not overridden by ?format=json); JSON otherwise. */
export function wantsCsv(request: Request, format: string | undefined): boolean {
  if (format) return format === 'csv';
  return /\btext\/csv\b/i.test(request.headers.accept ?? '');
}

export function respond<T>(request: Request, response: Response, format: string | undefined, name: string, body: T, rows: () => ReadonlyArray<Record<string, unknown>>): T | string {
  if (!wantsCsv(request, format)) return body;
  response.setHeader('Content-Type', 'text/csv; charset=utf-8');
  response.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  return toCsv(rows());
}
