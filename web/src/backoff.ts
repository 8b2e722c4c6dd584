// Exponential reconnect delays: 250 ms doubling up to 5 s, with jitter so many
// kiosks do not reconnect in lock-step after a daemon restart.
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly firstMs = 250,
    private readonly maxMs = 5000,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const base = Math.min(this.maxMs, this.firstMs * 2 ** this.attempt);
    if (base < this.maxMs) ++this.attempt;
    return Math.round(base * (0.8 + 0.4 * this.random()));
  }

  reset(): void {
    this.attempt = 0;
  }
}
