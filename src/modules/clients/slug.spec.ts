import { SLUG_PATTERN, slugify, slugWithSuffix } from './slug.js';

describe('slugs', () => {
  it('derives a slug from a name', () => {
    expect(slugify('Müller & Söhne GmbH')).toBe('muller-sohne-gmbh');
    expect(slugify('!!!')).toBe('client');
  });

  it('numbers a derived slug within 63 characters, never ending the base in a hyphen', () => {
    expect(slugWithSuffix('acme', 1)).toBe('acme');
    expect(slugWithSuffix('acme', 2)).toBe('acme-2');
    const long = slugify('a'.repeat(59) + ' b c');
    expect(long).toHaveLength(63);
    for (const n of [2, 10, 123]) {
      const s = slugWithSuffix(long, n);
      expect(s.length).toBeLessThanOrEqual(63);
      expect(s.endsWith(`-${n}`)).toBe(true);
      expect(SLUG_PATTERN.test(s)).toBe(true);
    }
    expect(slugWithSuffix(`${'a'.repeat(60)}-bc`, 12)).toBe(`${'a'.repeat(60)}-12`);
  });
});
