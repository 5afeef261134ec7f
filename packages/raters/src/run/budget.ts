/**
 * The --budget guard. A request is admitted only if what is spent, plus the estimates of requests in flight,
 * plus its own estimate stays within the limit; once one is refused no further request is scheduled, so the
 * run stops before the estimated cost would pass the budget rather than after.
 */
export class Budget {
  private spent = 0;
  private reserved = 0;

  constructor(readonly limitUsd: number | undefined) {}

  tryReserve(estimateUsd: number): boolean {
    if (this.limitUsd === undefined) return true;
    if (this.spent + this.reserved + estimateUsd > this.limitUsd) return false;
    this.reserved += estimateUsd;
    return true;
  }

  /** Replaces a reservation by what the request really cost (zero when it never ran). */
  settle(reservedUsd: number, actualUsd: number): void {
    this.reserved -= reservedUsd;
    this.spent += actualUsd;
  }

  get spentUsd(): number {
    return this.spent;
  }
}

/**
 * Output tokens to expect from the next request: the rater's max tokens until answers have been seen (the safe
 * side), then a quarter above the mean so far.
 */
export class OutputEstimate {
  private total = 0;
  private n = 0;
  constructor(private readonly maxTokens: number) {}
  observe(outputTokens: number, requests: number): void {
    this.total += outputTokens;
    this.n += Math.max(1, requests);
  }
  get tokens(): number {
    return this.n === 0 ? this.maxTokens : Math.min(this.maxTokens, Math.ceil((this.total / this.n) * 1.25));
  }
}
