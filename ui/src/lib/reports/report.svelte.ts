// One report's result on a screen: the latest run wins (a slower earlier one is dropped),
// errors shown from their codes.
import { errorMessage } from '../i18n/errors';

export class ReportRun<A, R> {
  data = $state<R | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  private seq = 0;

  constructor(private readonly run: (args: A) => Promise<R>) {}

  async load(args: A): Promise<void> {
    const s = ++this.seq;
    this.loading = true;
    this.error = null;
    try {
      const r = await this.run(args);
      if (s === this.seq) this.data = r;
    } catch (e) {
      if (s === this.seq) this.error = errorMessage(e);
    } finally {
      if (s === this.seq) this.loading = false;
    }
  }
}
