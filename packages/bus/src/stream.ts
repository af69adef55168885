// The buffer behind an iterable subscription: the transport pushes, one consumer pulls with
// for-await. Bounded: past `pendingMax` buffered messages new ones are dropped and reported.

const compactAfter = 1024;

export class MessageQueue<T> implements AsyncIterableIterator<T> {
  private items: T[] = [];
  private head = 0;
  private readonly waiters: ((result: IteratorResult<T>) => void)[] = [];
  private ended = false;

  constructor(
    private readonly pendingMax: number,
    private readonly onOverflow: () => void,
    /** The consumer stopped early (break, return): the subscription should stop too. */
    private readonly onReturn: () => void,
  ) {}

  push(item: T): void {
    if (this.ended) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter({ value: item, done: false });
    else if (this.items.length - this.head < this.pendingMax) this.items.push(item);
    else this.onOverflow();
  }

  /** No more items; the consumer still reads what is buffered. */
  end(): void {
    this.ended = true;
    for (const waiter of this.waiters.splice(0)) waiter({ value: undefined, done: true });
  }

  /** No more items, and what is buffered is dropped. */
  discard(): void {
    this.items = [];
    this.head = 0;
    this.end();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.head < this.items.length) {
      const value = this.items[this.head++]!;
      if (this.head >= compactAfter) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.discard();
    this.onReturn();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
