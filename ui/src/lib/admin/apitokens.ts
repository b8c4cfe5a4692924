// Personal API tokens for the local HTTP API: the form's args and what the list shows.
import type { ApiToken, CreateApiTokenArgs } from '../api';

export interface TokenDraft {
  name: string;
  /** Days until it expires, as typed. */
  days: string;
  readOnly: boolean;
}

export const DEFAULT_DAYS = 90;

export function emptyDraft(): TokenDraft {
  return { name: '', days: String(DEFAULT_DAYS), readOnly: false };
}

/** The command's args; the core checks the name and the range and names the field. */
export function toCreateArgs(d: TokenDraft): CreateApiTokenArgs {
  const days = d.days.trim() === '' ? DEFAULT_DAYS : Number(d.days.trim());
  return { name: d.name.trim(), expires_in_days: Number.isFinite(days) ? Math.trunc(days) : 0, read_only: d.readOnly };
}

export type TokenState = 'active' | 'revoked' | 'expired';

export function tokenState(t: Pick<ApiToken, 'revoked_at' | 'expires_at'>, now: Date = new Date()): TokenState {
  if (t.revoked_at) return 'revoked';
  return new Date(t.expires_at).getTime() <= now.getTime() ? 'expired' : 'active';
}

/** A ready-to-run example of a call with the new token. */
export function curlExample(address: string, token: string): string {
  return `curl -s -X POST http://${address}/v1/commands/auth.me -H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' -d '{}'`;
}
