/**
 * Counts events per key in fixed windows, in memory. One server process serves a study, so memory is the right
 * place: a restart forgets the counts, while account lockout (in the store) survives it.
 */
export class RateLimit {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Whether the key has used up its allowance in the current window. */
  blocked(key: string): boolean {
    const w = this.windows.get(key);
    return !!w && w.resetAt > this.clock() && w.count >= this.limit;
  }

  hit(key: string): void {
    const now = this.clock();
    const w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size > 10_000) this.sweep(now);
      this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
    } else w.count++;
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}
