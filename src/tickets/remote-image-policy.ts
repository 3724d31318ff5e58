/** An address as a sender writes it: one @, no spaces or angle brackets, within the column. */
export const SENDER_ADDRESS = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,255}$/;

/** The key a sender is listed under: its address in lower case, or null when it is none. */
export function senderKey(address: string | null | undefined): string | null {
  const key = address?.trim().toLowerCase() ?? '';
  return key.length <= 320 && SENDER_ADDRESS.test(key) ? key : null;
}
