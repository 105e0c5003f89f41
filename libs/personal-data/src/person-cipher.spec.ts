import { randomBytes, randomUUID } from 'node:crypto';
import { PersonCipher } from './person-cipher';

describe('PersonCipher', () => {
  const cipher = new PersonCipher(randomBytes(32).toString('base64'));
  const details = { name: 'Amira Haddad', dateOfBirth: '1988-02-14', address: '4 Canal Street, Manchester M1 3HE' };

  it('reads back what it sealed for a person', () => {
    const personId = randomUUID();
    const key = cipher.newWrappedKey(personId);
    expect(cipher.decrypt(personId, key, cipher.encrypt(personId, key, details))).toEqual(details);
  });

  it('keeps no plaintext in the sealed value', () => {
    const personId = randomUUID();
    const sealed = cipher.encrypt(personId, cipher.newWrappedKey(personId), details);
    expect(Buffer.from(sealed, 'base64').toString('latin1')).not.toContain('Amira');
  });

  it("cannot open one person's details with another person's key", () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const sealed = cipher.encrypt(alice, cipher.newWrappedKey(alice), details);
    expect(() => cipher.decrypt(alice, cipher.newWrappedKey(bob), sealed)).toThrow();
  });

  it('cannot open anything under another master key', () => {
    const personId = randomUUID();
    const key = cipher.newWrappedKey(personId);
    const sealed = cipher.encrypt(personId, key, details);
    expect(() => new PersonCipher(randomBytes(32).toString('base64')).decrypt(personId, key, sealed)).toThrow();
  });

  it('refuses a master key that is not 32 bytes', () => {
    expect(() => new PersonCipher(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
