// A form's submit cycle: busy flag, field errors from the backend next to their
// fields, the general message in a toast or banner, all translated from their codes.
import { toApiError, type ApiError } from '../api';
import { toast } from './toast.svelte';
import { errorMessage, fieldMessages } from '../i18n/errors';

export class FormState {
  errors = $state<Record<string, string>>({});
  message = $state<string | null>(null);
  busy = $state(false);

  /** Runs `fn`; on failure keeps field errors beside their fields and returns undefined. */
  async submit<T>(fn: () => Promise<T>, success?: string): Promise<T | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    this.errors = {};
    this.message = null;
    try {
      const out = await fn();
      if (success) toast.ok(success);
      return out;
    } catch (e) {
      this.fail(toApiError(e));
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  fail(err: ApiError) {
    // In the user's language, from the stable codes: beside their fields, or above the buttons.
    this.errors = fieldMessages(err.fields);
    this.message = err.fields.length ? null : errorMessage(err);
    if (err.code === 'forbidden') toast.error(errorMessage(err));
  }

  reset() {
    this.errors = {};
    this.message = null;
  }
}
