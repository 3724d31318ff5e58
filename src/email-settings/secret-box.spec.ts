import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox('k'.repeat(32));

  it('round-trips and never stores the plain text', () => {
    const stored = box.encrypt('hunter2-smtp-password');
    expect(stored).not.toContain('hunter2');
    expect(stored.startsWith('v1:')).toBe(true);
    expect(box.decrypt(stored)).toBe('hunter2-smtp-password');
  });

  it('uses a fresh IV each time', () => {
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('refuses a value encrypted with another key or tampered with', () => {
    const stored = box.encrypt('secret');
    expect(() => new SecretBox('x'.repeat(32)).decrypt(stored)).toThrow();
    const parts = stored.split(':');
    parts[3] = Buffer.from('tampered').toString('base64');
    expect(() => box.decrypt(parts.join(':'))).toThrow();
  });
});
