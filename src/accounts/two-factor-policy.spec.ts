import { generate, generateSecret, verify } from 'otplib';
import { newRecoveryCodes, readSecondFactor, recoveryCodeHash } from './two-factor-policy';

describe('second factors', () => {
  it('reads six digits as a TOTP code and eight letters or digits as a recovery code', () => {
    expect(readSecondFactor(' 123 456 ')).toEqual({ kind: 'totp', code: '123456' });
    expect(readSecondFactor('k7qm-2xpa')).toEqual({ kind: 'recovery', code: 'k7qm-2xpa' });
    expect(readSecondFactor('K7QM2XPA')).toEqual({ kind: 'recovery', code: 'K7QM2XPA' });
    expect(readSecondFactor('12345')).toBeNull();
    expect(readSecondFactor(undefined)).toBeNull();
  });

  it('makes ten distinct recovery codes, compared without case or hyphen', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
    expect(recoveryCodeHash(codes[0].toLowerCase().replace('-', ''))).toBe(recoveryCodeHash(codes[0]));
  });

  it('loads otplib under Jest and verifies its own codes with the step they belong to', async () => {
    const secret = generateSecret();
    const epoch = 1_800_000_000;
    const result = await verify({ secret, token: await generate({ secret, epoch }), epoch, epochTolerance: 30 });
    expect(result).toMatchObject({ valid: true, timeStep: epoch / 30 });
  });
});
