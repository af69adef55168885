// The distributed-mode transport: NATS core over @nats-io/transport-node. Requests use the
// client's muxed inbox; queue groups are native; NATS errors are mapped to the bus's own.
import {
  ClosedConnectionError,
  connect,
  DrainingConnectionError,
  type Msg,
  type NatsConnection,
  type NodeConnectionOptions,
  RequestError,
  TimeoutError,
} from "@nats-io/transport-node";
import { type Bus, type BusOptions, createBus } from "./bus.ts";
import { BusClosedError, BusNoResponderError, BusTimeoutError } from "./errors.ts";
import type { Transport, TransportMessage, TransportSubscription } from "./transport.ts";

function busError(error: unknown, subject: string, timeoutMs?: number): unknown {
  if (error instanceof TimeoutError && timeoutMs !== undefined)
    return new BusTimeoutError(subject, timeoutMs);
  if (error instanceof RequestError && error.isNoResponders()) return new BusNoResponderError(subject);
  if (error instanceof ClosedConnectionError || error instanceof DrainingConnectionError) {
    return new BusClosedError();
  }
  // A request cut short by close() rejects with a RequestError whose cause says so.
  if (
    error instanceof RequestError &&
    (error.cause instanceof ClosedConnectionError || /clos/.test(error.message))
  ) {
    return new BusClosedError();
  }
  return error;
}

export class NatsTransport implements Transport {
  /** `ownsConnection`: drain/close also end the connection (else only this bus's subscriptions). */
  constructor(
    private readonly connection: NatsConnection,
    private readonly ownsConnection: boolean,
  ) {}

  publish(subject: string, payload: string): void {
    try {
      this.connection.publish(subject, payload);
    } catch (error) {
      throw busError(error, subject);
    }
  }

  async request(subject: string, payload: string, timeoutMs: number): Promise<string> {
    try {
      return (await this.connection.request(subject, payload, { timeout: timeoutMs })).string();
    } catch (error) {
      throw busError(error, subject, timeoutMs);
    }
  }

  subscribe(
    pattern: string,
    queue: string | undefined,
    deliver: (message: TransportMessage) => void,
    fail: (error: Error) => void,
  ): TransportSubscription {
    const callback = (error: Error | null, msg: Msg) => {
      if (error) return fail(error);
      const respond = msg.reply ? (reply: string) => void msg.respond(reply) : undefined;
      deliver({ subject: msg.subject, payload: msg.string(), respond });
    };
    let subscription: ReturnType<NatsConnection["subscribe"]>;
    try {
      subscription = this.connection.subscribe(
        pattern,
        queue === undefined ? { callback } : { queue, callback },
      );
    } catch (error) {
      throw busError(error, pattern);
    }
    return {
      unsubscribe: () => {
        if (!subscription.isClosed()) subscription.unsubscribe();
      },
      drain: async () => {
        if (!subscription.isClosed() && !this.connection.isClosed()) await subscription.drain();
      },
    };
  }

  async flush(): Promise<void> {
    try {
      await this.connection.flush();
    } catch (error) {
      throw busError(error, "");
    }
  }

  async drain(): Promise<void> {
    if (this.ownsConnection && !this.connection.isClosed() && !this.connection.isDraining()) {
      await this.connection.drain();
    }
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.connection.close();
  }
}

/** A bus over a connection the caller owns and closes (e.g. one shared with JetStream). */
export function createNatsBus(connection: NatsConnection, options: BusOptions = {}): Bus {
  return createBus(new NatsTransport(connection, false), options);
}

/** Connects to NATS and returns a bus that owns the connection: bus.drain()/close() end it. */
export async function connectNatsBus(
  connection: NodeConnectionOptions,
  options: BusOptions = {},
): Promise<Bus> {
  return createBus(new NatsTransport(await connect(connection), true), options);
}
