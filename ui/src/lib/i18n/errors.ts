// Errors in the user's language, from the backend's stable codes rather than its strings.
//
// A field error carries `code` (snake_case: `required`, `too_long`, ...) and `params`
// ({ max: 80 }); a command error carries `reason` (`bad_credentials`, `throttled`, ...)
// and `params`. Each known code is a message key (`errors.field.<code>`,
// `errors.reason.<reason>`); the backend's English `message` is shown only for a code
// this build does not know yet (an older UI against a newer core), tidied into a
// sentence. A core that sends no reason at all is answered per `ErrorBody.code`.
import { hasKey, t, type MessageKey, type Values } from './index.svelte';
import type { FieldCode, Reason } from '../api';

type Params = Record<string, unknown> | null | undefined;

/** What `fieldMessage` reads of a `FieldError` (older cores send no code or params). */
export interface FieldErrorLike {
  field?: string;
  code?: string | null;
  message?: string | null;
  params?: Params;
}

/** What `errorMessage` reads of an `ErrorBody` or `ApiError`. */
export interface ErrorLike {
  code?: string | null;
  reason?: string | null;
  message?: string | null;
  params?: Params;
  fields?: FieldErrorLike[] | null;
  /** ErrorBody's throttling hint, and ApiError's name for it. */
  retry_after_secs?: number | null;
  retryAfterSecs?: number | null;
}

/** "email or password is incorrect" → "Email or password is incorrect." */
export function sentence(s: string): string {
  const x = s.trim();
  if (!x) return x;
  const first = x.charAt(0).toUpperCase() + x.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}

/** ICU arguments from the backend's params: whole-number strings become numbers (for
 *  plurals); decimals stay the exact strings the backend sent (amounts keep their cents). */
function values(params: Params, extra: Values = {}): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    if (typeof v === 'number' || typeof v === 'boolean' || v == null) out[k] = v;
    else if (typeof v === 'string') out[k] = /^-?\d{1,15}$/.test(v) ? Number(v) : v;
    else out[k] = JSON.stringify(v);
  }
  for (const [k, v] of Object.entries(extra)) if (out[k] == null) out[k] = v;
  return out;
}

function key(prefix: string, code: string | null | undefined): MessageKey | null {
  if (!code) return null;
  const k = `${prefix}.${code}`;
  return hasKey(k) ? k : null;
}

/** The entity named in a message ("product"), in the user's language when we know it. */
function entity(v: unknown): string {
  const s = typeof v === 'string' && v ? v : 'record';
  const k = key('errors.entity', s);
  return k ? t(k) : s.replace(/_/g, ' ');
}

/** One field's error, to show beside the field. */
export function fieldMessage(fe: FieldErrorLike): string {
  const k = key('errors.field', fe.code);
  // A unit the core did not name (production quantities are in the product's own unit) reads as nothing, not as "{unit}".
  if (k) return t(k, values(fe.params, { unit: '' })).replace(/ {2,}/g, ' ');
  if (fe.message) return sentence(fe.message);
  return t('errors.code.validation');
}

/** Field name → message (the first per field), for a form to show beside its fields. */
export function fieldMessages(fields: FieldErrorLike[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields ?? []) if (f.field) out[f.field] ??= fieldMessage(f);
  return out;
}

function asErrorLike(err: unknown): ErrorLike {
  if (err && typeof err === 'object') return err as ErrorLike;
  if (typeof err === 'string') return { message: err };
  return {};
}

/** A failed command, as one sentence for a banner or toast. */
export function errorMessage(err: unknown): string {
  const e = asErrorLike(err);
  const params = values(e.params, { seconds: e.retry_after_secs ?? e.retryAfterSecs ?? undefined });
  const reason = key('errors.reason', e.reason);
  if (reason) {
    if ('entity' in params || reason === 'errors.reason.not_found') params.entity = entity(params.entity);
    if (reason === 'errors.reason.throttled' && params.seconds == null) return t('errors.code.throttled');
    if (reason === 'errors.reason.forbidden' && params.permission == null) return t('errors.code.forbidden');
    if (reason === 'errors.reason.internal' && params.command == null) return t('errors.code.internal');
    return t(reason, params);
  }
  // A reason this build does not know, or a core that sends none: its own words.
  if (e.message) return sentence(e.message);
  const code = key('errors.code', e.code);
  return t(code ?? 'errors.code.internal');
}

/** Whether the error is a refused sign-in (wrong email or password). */
export function isBadCredentials(err: unknown): boolean {
  const e = asErrorLike(err);
  if (e.reason) return e.reason === 'bad_credentials';
  // A core without reasons says `unauthenticated` for a wrong password at sign-in (and
  // for a deactivated account, whose own words then show).
  return e.code === 'unauthenticated' && !/deactivat/i.test(e.message ?? '');
}

// Every code the core can send has its message: a FieldCode or Reason added in core
// without its `errors.field.*` / `errors.reason.*` keys (English, and so every other
// language) fails the type check here.
type MissingCodes = Exclude<`errors.field.${FieldCode}` | `errors.reason.${Reason}`, MessageKey>;
export const EVERY_CORE_CODE_HAS_A_MESSAGE: [MissingCodes] extends [never] ? true : MissingCodes = true;
