// A form's submit cycle: busy flag, field errors from the backend next to their
// fields, the general message in a toast or banner.
import { toApiError, type ApiError } from '../api';
import { toast } from './toast.svelte';

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
    this.errors = err.fieldMap();
    // Field errors show beside their fields; anything else shows above the buttons.
    this.message = err.fields.length ? null : err.message;
    if (err.code === 'forbidden') toast.error(err.message);
  }

  reset() {
    this.errors = {};
    this.message = null;
  }
}
