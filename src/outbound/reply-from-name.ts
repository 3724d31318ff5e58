/** The reply's text with the tenant's signature under the usual "-- " line, for replies of people only. */
export function withSignature(text: string, signature: string | null, agent: string | null): string {
  if (!agent || !signature?.trim()) return text;
  return `${text.replace(/\s+$/, '')}\n\n-- \n${signature.replace(/\{agent\}/g, agent).trim()}`;
}

export const DEFAULT_REPLY_FROM_NAME = '{agent} at {team}';

/**
 * The From display name of an agent's reply: the tenant's template (REPLY_FROM_NAME default
 * "{agent} at {team}") with the agent's and the team's names; the team's name alone for replies
 * of integrations (no person behind them).
 */
export function replyFromName(template: string | null, agent: string | null, team: string): string {
  if (!agent) return team;
  const name = (template ?? DEFAULT_REPLY_FROM_NAME).replace(/\{agent\}/g, agent).replace(/\{team\}/g, team).trim();
  return name || team;
}
