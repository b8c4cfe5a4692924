// When to ask for the password again: after `limitMs` without input.

export class IdleClock {
  private last: number;
  constructor(
    private limitMs: number,
    now: number,
  ) {
    this.last = now;
  }
  touch(now: number) {
    this.last = now;
  }
  expired(now: number): boolean {
    return this.limitMs > 0 && now - this.last >= this.limitMs;
  }
  remainingMs(now: number): number {
    return Math.max(0, this.limitMs - (now - this.last));
  }
}
