import {
  classify,
  codesAnAgencySends,
  FLAG_APPLIED_REASONS,
  FLAG_CHANGED_REASONS,
  NOT_HATE_CRIME_REASONS,
  SENTENCE_TYPES,
  UNCLASSIFIED,
  UPLIFT_NOT_APPLIED_REASONS,
} from './codes';

describe('the code lists that stand in for free text', () => {
  const lists = { FLAG_APPLIED_REASONS, FLAG_CHANGED_REASONS, NOT_HATE_CRIME_REASONS, SENTENCE_TYPES, UPLIFT_NOT_APPLIED_REASONS };

  it.each(Object.entries(lists))('%s holds unclassified for old events and other for what no code names', (_name, codes) => {
    expect(codes).toContain(UNCLASSIFIED);
    expect(codes).toContain('other');
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('leaves unclassified out of what an agency may send', () => {
    expect(codesAnAgencySends(SENTENCE_TYPES)).toEqual(SENTENCE_TYPES.filter((code) => code !== UNCLASSIFIED));
    expect(codesAnAgencySends(NOT_HATE_CRIME_REASONS)).not.toContain(UNCLASSIFIED);
  });

  it('classifies an old text as the code it already is, anything else as unclassified', () => {
    expect(classify('fine', SENTENCE_TYPES)).toBe('fine');
    expect(classify('Fine of £200', SENTENCE_TYPES)).toBe(UNCLASSIFIED);
    expect(classify('Amira Haddad withdrew', NOT_HATE_CRIME_REASONS)).toBe(UNCLASSIFIED);
    expect(classify(undefined, FLAG_APPLIED_REASONS)).toBe(UNCLASSIFIED);
  });
});
