// The embedded mode: NATS core semantics inside one Node process. A broker is the shared subject
// space (the "server"); each bus connects to it through its own transport (a "connection") that
// can drain and close on its own. Delivery is always asynchronous (a microtask later), as over a
// network, so no caller can rely on a handler having run before publish returns. Queue groups are
// keyed, as in NATS, by subscribed pattern plus queue name, and take turns in subscription order.
import { type Bus, type BusOptions, createBus } from "./bus.ts";
import { BusClosedError, BusNoResponderError, BusTimeoutError } from "./errors.ts";
import { patternMatches, patternTokens, subjectTokens } from "./subject.ts";
import type { Transport, TransportMessage, TransportSubscription } from "./transport.ts";

interface LocalSubscription {
  readonly tokens: readonly string[];
  /** "" for a plain subscriber; otherwise the queue group's key. */
  readonly group: string;
  readonly deliver: (message: TransportMessage) => void;
  /** Set by unsubscribe: deliveries already scheduled are dropped. */
  cancelled: boolean;
}

function schedule(subscription: LocalSubscription, message: TransportMessage): void {
  queueMicrotask(() => {
    if (!subscription.cancelled) subscription.deliver(message);
  });
}

export class InProcessBroker {
  private subscriptions: LocalSubscription[] = [];
  private readonly turns = new Map<string, number>();

  /** A new bus on this broker. */
  connect(options: BusOptions = {}): Bus {
    return createBus(new InProcessTransport(this), options);
  }

  add(subscription: LocalSubscription): void {
    this.subscriptions.push(subscription);
  }

  remove(subscription: LocalSubscription): void {
    this.subscriptions = this.subscriptions.filter((s) => s !== subscription);
  }

  /** Schedules delivery to every plain subscriber and one member per queue group; returns how many. */
  dispatch(message: TransportMessage): number {
    const tokens = subjectTokens(message.subject);
    const groups = new Map<string, LocalSubscription[]>();
    let plain = 0;
    for (const subscription of this.subscriptions) {
      if (!patternMatches(subscription.tokens, tokens)) continue;
      if (subscription.group === "") {
        schedule(subscription, message);
        plain++;
        continue;
      }
      const members = groups.get(subscription.group);
      if (members) members.push(subscription);
      else groups.set(subscription.group, [subscription]);
    }
    for (const [group, members] of groups) schedule(this.nextTurn(group, members), message);
    return plain + groups.size;
  }

  private nextTurn(group: string, members: LocalSubscription[]): LocalSubscription {
    const turn = this.turns.get(group) ?? 0;
    this.turns.set(group, turn + 1);
    return members[turn % members.length]!;
  }
}

/** One bus's connection to a broker: its own subscriptions, pending requests and closed state. */
export class InProcessTransport implements Transport {
  private readonly subscriptions = new Set<LocalSubscription>();
  private readonly pending = new Set<(error: Error) => void>();
  private closed = false;

  constructor(private readonly broker: InProcessBroker) {}

  publish(subject: string, payload: string): void {
    this.checkOpen();
    this.broker.dispatch({ subject, payload });
  }

  request(subject: string, payload: string, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      let answered = false;
      const finish = (settle: () => void) => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        this.pending.delete(fail);
        settle();
      };
      const fail = (error: Error) => finish(() => reject(error));
      const timer = setTimeout(() => fail(new BusTimeoutError(subject, timeoutMs)), timeoutMs);
      this.pending.add(fail);
      try {
        this.checkOpen();
        const respond = (reply: string) => finish(() => resolve(reply));
        if (this.broker.dispatch({ subject, payload, respond }) === 0) fail(new BusNoResponderError(subject));
      } catch (error) {
        fail(error as Error);
      }
    });
  }

  subscribe(
    pattern: string,
    queue: string | undefined,
    deliver: (message: TransportMessage) => void,
  ): TransportSubscription {
    this.checkOpen();
    const group = queue === undefined ? "" : `${pattern} ${queue}`;
    const local: LocalSubscription = { tokens: patternTokens(pattern), group, deliver, cancelled: false };
    this.subscriptions.add(local);
    this.broker.add(local);
    return {
      unsubscribe: () => {
        local.cancelled = true;
        this.remove(local);
      },
      // Deliveries already scheduled are microtasks queued before the caller's await: they run
      // before drain resolves, so removing the subscription is all there is to do.
      drain: async () => this.remove(local),
    };
  }

  /** Subscriptions take effect at once in-process: nothing to wait for. */
  async flush(): Promise<void> {
    this.checkOpen();
  }

  async drain(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const subscription of this.subscriptions) {
      subscription.cancelled = true;
      this.remove(subscription);
    }
    for (const fail of [...this.pending]) fail(new BusClosedError());
  }

  private remove(subscription: LocalSubscription): void {
    this.subscriptions.delete(subscription);
    this.broker.remove(subscription);
  }

  private checkOpen(): void {
    if (this.closed) throw new BusClosedError();
  }
}

/** A bus on a broker of its own: the whole process talks through this one bus. */
export function createInProcessBus(options: BusOptions = {}): Bus {
  return new InProcessBroker().connect(options);
}
