import { policeCaseId } from './case-id';

/** RFC 9562: version nibble 5, variant bits 10xx. */
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('police case id', () => {
  it('is a version 5 UUID in lower-case canonical form', () => {
    expect(policeCaseId('01', '5201234/24')).toMatch(UUID_V5);
    expect(policeCaseId('20', '20MW/12345A/24')).toMatch(UUID_V5);
  });

  it('is the same every time for the same force and crime reference', () => {
    expect(policeCaseId('01', '5201234/24')).toBe(policeCaseId('01', '5201234/24'));
  });

  it('never changes between releases, so a crime sent again after an upgrade reaches the same case', () => {
    // Pinned values; they are the standard RFC 9562 v5 UUIDs of "<force>:<REFERENCE>" in the police case namespace.
    expect(policeCaseId('01', '5201234/24')).toBe('efab722f-2f4e-5060-b083-c5a8bfae972b');
    expect(policeCaseId('20', '20MW/12345A/24')).toBe('0014523c-e9d4-50fc-ac50-244117b10774');
  });

  it('differs between forces for the same crime reference', () => {
    expect(policeCaseId('01', '5201234/24')).not.toBe(policeCaseId('20', '5201234/24'));
    expect(policeCaseId('13', 'CR/0012345/24')).not.toBe(policeCaseId('14', 'CR/0012345/24'));
  });

  it('differs between crime references of the same force', () => {
    expect(policeCaseId('01', '5201234/24')).not.toBe(policeCaseId('01', '5201235/24'));
  });

  it('ignores the letter case of the crime reference', () => {
    expect(policeCaseId('20', '20mw/12345a/24')).toBe(policeCaseId('20', '20MW/12345A/24'));
  });

  it('ignores whitespace around the crime reference', () => {
    expect(policeCaseId('20', '  20MW/12345A/24\t\n')).toBe(policeCaseId('20', '20MW/12345A/24'));
    expect(policeCaseId('20', ' 20mw/12345a/24 ')).toBe(policeCaseId('20', '20MW/12345A/24'));
  });
});
