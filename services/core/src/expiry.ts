// The sequencer's side of GTD expiry. The core expires an order only when a command carries a
// time past its expiry (it has no clock of its own), so without help an expired order would stay
// in its book, holding its funds, until the next command reached that book. The runtime keeps
// one wake-up at the earliest pending expiry and then submits ExpireOrders, a journaled command
// like any other, so replays expire the same orders at the same sequence number.

/** setTimeout holds at most ~24.8 days; far expiries are re-armed on the way. */
const delayMaxMs = 3_600_000;

export class ExpiryScheduler {
  private timer: NodeJS.Timeout | undefined;
  private dueAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly clock: () => number,
    private readonly expire: () => void,
  ) {}

  /** Makes sure a wake-up is set for `due` or earlier (undefined: nothing pending). */
  arm(due: number | undefined): void {
    if (due === undefined || due >= this.dueAt) return;
    this.stop();
    this.dueAt = due;
    const delay = Math.min(delayMaxMs, Math.max(0, due - this.clock()));
    this.timer = setTimeout(() => this.wake(), delay);
    // A pending expiry must not keep a process alive that is otherwise done.
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dueAt = Number.POSITIVE_INFINITY;
  }

  private wake(): void {
    const due = this.dueAt;
    this.timer = undefined;
    this.dueAt = Number.POSITIVE_INFINITY;
    // Timers may fire a little early by the sequencer's clock, and far expiries wake on the way.
    if (this.clock() < due) this.arm(due);
    else this.expire();
  }
}
