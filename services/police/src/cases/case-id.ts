import { createHash } from 'node:crypto';

/** Namespace of police case ids (a fixed random UUID). */
const POLICE_CASE_NAMESPACE = 'c6a1f0e2-5b0d-4e53-9d36-3f0f5d7a2b11';

/**
 * A case id is a name-based UUID (RFC 9562 version 5) of the force and its crime reference, so a
 * force system that sends the same crime twice reaches the same case and is told it exists,
 * instead of creating a second hate crime that would be counted twice.
 */
export function policeCaseId(forceCode: string, crimeReference: string): string {
  const namespace = Buffer.from(POLICE_CASE_NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespace).update(`${forceCode}:${crimeReference.trim().toUpperCase()}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
