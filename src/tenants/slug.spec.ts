import { DOMAIN_PATTERN, LOCAL_PART_PATTERN } from '../mail/address-policy';
import { SLUG_PATTERN, slugify } from './slug';

describe('slugify', () => {
  it.each([
    ['Acme GmbH & Co.', 'acme-gmbh-co'],
    ['  Ünïcödé Support  ', 'unicode-support'],
    ['---', ''],
    ['a'.repeat(80), 'a'.repeat(50)],
  ])('%j -> %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('produces slugs the slug pattern accepts', () => {
    expect(SLUG_PATTERN.test(slugify('Big Company 42'))).toBe(true);
  });
});

describe('address patterns', () => {
  it.each(['tenant-acme', 'support.team', 'a'])('accepts local part %s', (local) => {
    expect(LOCAL_PART_PATTERN.test(local)).toBe(true);
  });
  it.each(['support+x', '-lead', 'trail.', 'UPPER', 'a b', ''])('refuses local part %j', (local) => {
    expect(LOCAL_PART_PATTERN.test(local)).toBe(false);
  });
  it.each(['example.com', 'mail.example.co.uk'])('accepts domain %s', (d) => expect(DOMAIN_PATTERN.test(d)).toBe(true));
  it.each(['localhost', 'exa mple.com', '-x.com', 'x..com'])('refuses domain %j', (d) => expect(DOMAIN_PATTERN.test(d)).toBe(false));
});
