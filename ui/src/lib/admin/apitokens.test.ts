import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick } from 'svelte';
import { curlExample, emptyDraft, toCreateArgs, tokenState } from './apitokens';
import { i18n, t } from '../i18n/index.svelte';
import { admin as en } from '../i18n/en/admin';
import { admin as de } from '../i18n/de/admin';
import { SCREENS } from '../shell/screens';

describe('API token form and list', () => {
  it('sends trimmed args with the default expiry', () => {
    expect(toCreateArgs({ ...emptyDraft(), name: '  nightly export ' })).toEqual({ name: 'nightly export', expires_in_days: 90, read_only: false });
    expect(toCreateArgs({ name: 'x', days: ' 7 ', readOnly: true })).toEqual({ name: 'x', expires_in_days: 7, read_only: true });
    // Not a number: sent as 0 so the core names the field (out of range).
    expect(toCreateArgs({ name: 'x', days: 'soon', readOnly: false }).expires_in_days).toBe(0);
  });
  it('derives each token state', () => {
    const now = new Date('2026-03-02T09:00:00Z');
    expect(tokenState({ revoked_at: null, expires_at: '2026-03-03T09:00:00Z' }, now)).toBe('active');
    expect(tokenState({ revoked_at: null, expires_at: '2026-03-02T09:00:00Z' }, now)).toBe('expired');
    expect(tokenState({ revoked_at: '2026-03-01T00:00:00Z', expires_at: '2027-01-01T00:00:00Z' }, now)).toBe('revoked');
  });
  it('gives a curl example against the local address', () => {
    expect(curlExample('127.0.0.1:8765', 'cora_pat_ab')).toContain("http://127.0.0.1:8765/v1/commands/auth.me -H 'Authorization: Bearer cora_pat_ab'");
  });
  it('is a screen for every signed-in user, translated in English and German', () => {
    const s = SCREENS.find((x) => x.id === 'api-tokens');
    expect(s?.needs).toBe('auth.list_api_tokens');
    const keys = Object.keys(en).filter((k) => k.startsWith('admin.tokens.'));
    expect(keys.length).toBeGreaterThan(20);
    for (const k of keys) expect(Object.keys(de)).toContain(k);
    i18n.set('de');
    expect(t('admin.tokens.state.revoked')).toBe('Widerrufen');
    i18n.set('en');
  });
});

// Mounting needs Svelte's client build (see editors.test.ts): skipped without it.
let client = true;
try {
  mount(null as never, { target: document.createElement('div') });
} catch (e) {
  client = !String(e).includes('lifecycle_function_unavailable');
}

const token = { id: 3, user_id: 1, user_email: 'a@example.com', name: 'ci', prefix: 'cora_pat_12345678', created_at: '2026-03-02T09:00:00Z', expires_at: '2099-01-01T00:00:00Z', read_only: true, revoked_at: null, last_used_at: null, active: true };
const calls: { name: string; args: unknown }[] = [];
vi.mock('../api', async (orig) => {
  const real = await orig<typeof import('../api')>();
  return {
    ...real,
    call: vi.fn(async (name: string, args: unknown) => {
      calls.push({ name, args });
      if (name === 'auth.list_api_tokens') return [token];
      if (name === 'auth.create_api_token') return { token: 'cora_pat_secret', api_token: { ...token, id: 4, name: 'new' } };
      return token;
    }),
  };
});

describe.runIf(client)('API tokens screen', () => {
  afterEach(() => {
    document.body.innerHTML = '';
    calls.length = 0;
  });
  it('lists the tokens, creates one and shows it once with a warning', async () => {
    const { default: ApiTokens } = await import('./ApiTokens.svelte');
    mount(ApiTokens, { target: document.body, props: {} });
    await tick(); await new Promise((r) => setTimeout(r, 10)); flushSync();
    expect(document.querySelector('[data-testid=tokens-table]')?.textContent).toContain('cora_pat_12345678');
    expect(document.querySelector('[data-testid=tokens-table]')?.textContent).toContain('Read-only');
    const name = document.querySelector('#token-name') as HTMLInputElement;
    name.value = 'new';
    name.dispatchEvent(new Event('input', { bubbles: true }));
    (document.querySelector('[data-testid=token-submit]') as HTMLButtonElement).click();
    await tick(); await new Promise((r) => setTimeout(r, 10)); flushSync();
    expect(calls.find((c) => c.name === 'auth.create_api_token')?.args).toEqual({ name: 'new', expires_in_days: 90, read_only: false });
    const once = document.querySelector('[data-testid=token-once]') as HTMLElement;
    expect(once.querySelector('[data-testid=token-value]')?.textContent).toBe('cora_pat_secret');
    expect(once.textContent).toContain('will not be shown again');
    (document.querySelector('[data-testid=token-done]') as HTMLButtonElement).click();
    flushSync();
    expect(document.querySelector('[data-testid=token-once]')).toBeNull();
  });
});
