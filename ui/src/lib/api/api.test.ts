import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, call, setCallCompany, setTransport, toApiError } from './index';

afterEach(() => setCallCompany(null));

describe('call', () => {
  it('runs company-scoped commands in the current company only', async () => {
    const seen: unknown[] = [];
    setTransport(async (cmd, args) => {
      seen.push([cmd, args]);
      return { ok: true };
    });
    setCallCompany(7);
    await call('membership.list', {});
    await call('auth.me', {});
    await call('role.list', {}, 9);
    expect(seen).toEqual([
      ['call', { command: 'membership.list', args: {}, company: 7 }],
      ['call', { command: 'auth.me', args: {}, company: null }],
      ['call', { command: 'role.list', args: {}, company: 9 }],
    ]);
  });
  it('turns backend errors into ApiError with field messages', async () => {
    setTransport(async () => {
      throw { code: 'validation', message: 'bad', fields: [{ field: 'code', message: 'taken' }, { field: 'code', message: 'second' }] };
    });
    const e = await call('company.create', { code: 'X', name: 'X', base_currency: 'EUR' }).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe('validation');
    expect(e.fieldMap()).toEqual({ code: 'taken' });
  });
  it('keeps the wait of a throttled sign-in', () => {
    const e = toApiError({ code: 'throttled', message: 'wait', fields: [], retry_after_secs: 90 });
    expect(e.retryAfterSecs).toBe(90);
    expect(toApiError('boom').code).toBe('shell');
  });
});
