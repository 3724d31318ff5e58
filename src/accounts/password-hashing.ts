import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id (the binding's default algorithm) with its default cost: 19 MiB, 2 passes, one lane,
 * OWASP's first recommended setting. The parameters live in each hash, so raising them later
 * keeps old hashes verifiable.
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Verified against for unknown accounts, so that an unknown address takes as long as a wrong password. */
let decoy: Promise<string> | null = null;

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    decoy ??= hashPassword('no account has this password');
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
