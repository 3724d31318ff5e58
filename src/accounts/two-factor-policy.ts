import { createHash, randomInt } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
/** No 0/O or 1/I/L: read off paper and typed again. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** Ten codes like "K7QM-2XPA", each usable once when the authenticator is lost. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4)}`;
  });
}

/** How a typed recovery code is compared: case, spaces and the hyphen do not matter. */
export function recoveryCodeHash(code: string): string {
  return createHash('sha256').update(code.replace(/[\s-]/g, '').toUpperCase()).digest('hex');
}

export type SecondFactor = { kind: 'totp'; code: string } | { kind: 'recovery'; code: string } | null;

/** Six digits are an authenticator code; eight letters or digits (with or without the hyphen) a recovery code. */
export function readSecondFactor(input: string | undefined): SecondFactor {
  const value = (input ?? '').replace(/\s/g, '');
  if (/^\d{6}$/.test(value)) return { kind: 'totp', code: value };
  if (/^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$/.test(value)) return { kind: 'recovery', code: value };
  return null;
}
