/**
 * URN: the one reference police, CPS and courts share. Two-digit force code, two-character unit,
 * serial, two-digit year, e.g. `01/AB/12345/24`.
 */
export const URN_PATTERN = /^(\d{2})\/([A-Z0-9]{2})\/(\d{1,7})\/(\d{2})$/;

export interface Urn {
  readonly forceCode: string;
  readonly unit: string;
  readonly serial: string;
  readonly year: string;
}

export function parseUrn(value: string): Urn | undefined {
  const match = URN_PATTERN.exec(value);
  if (!match) return undefined;
  const [, forceCode, unit, serial, year] = match as unknown as [string, string, string, string, string];
  return { forceCode, unit, serial, year };
}
