import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Envelope encryption per person (crypto-shredding). Each person's details are encrypted with that
 * person's own data key (AES-256-GCM); the data key is stored wrapped by the service's master key.
 * Destroying the person's wrapped key makes every copy of their details unreadable, in the live
 * database and in every backup, while pseudonymous ids and statistics stay as they were.
 */
export interface Sealed {
  /** iv (12 bytes) | auth tag (16 bytes) | ciphertext, base64. */
  readonly sealed: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

function seal(key: Buffer, plaintext: Buffer, associatedData: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function open(key: Buffer, sealed: string, associatedData: string): Buffer {
  const bytes = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(associatedData));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

export class PersonCipher {
  private readonly masterKey: Buffer;

  /** @param masterKey 32 bytes, base64 */
  constructor(masterKey: string) {
    this.masterKey = Buffer.from(masterKey, 'base64');
    if (this.masterKey.length !== 32) throw new Error('the personal data master key must be 32 bytes, base64-encoded');
  }

  /** A new data key for a person, wrapped by the master key (bound to the person's id). */
  newWrappedKey(personId: string): string {
    return seal(this.masterKey, randomBytes(32), `key:${personId}`);
  }

  encrypt(personId: string, wrappedKey: string, details: unknown): string {
    const key = open(this.masterKey, wrappedKey, `key:${personId}`);
    return seal(key, Buffer.from(JSON.stringify(details)), `details:${personId}`);
  }

  decrypt<T>(personId: string, wrappedKey: string, sealed: string): T {
    const key = open(this.masterKey, wrappedKey, `key:${personId}`);
    return JSON.parse(open(key, sealed, `details:${personId}`).toString('utf8')) as T;
  }
}
