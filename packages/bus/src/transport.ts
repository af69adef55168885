// The untyped port under the bus: strings in, strings out, NATS core semantics. The typed layer
// (bus.ts) does subjects, schemas, encoding and errors once; each adapter only moves text.

export interface TransportMessage {
  readonly subject: string;
  readonly payload: string;
  /** Present on requests: sends the reply back to the requester. */
  readonly respond?: (payload: string) => void;
}

export interface TransportSubscription {
  /** Stop at once; messages already received but not delivered are dropped. */
  unsubscribe(): void;
  /** Stop receiving, deliver what was already received, then resolve. */
  drain(): Promise<void>;
}

export interface Transport {
  /** Throws BusClosedError once closed. */
  publish(subject: string, payload: string): void;
  /** Rejects with BusTimeoutError, BusNoResponderError or BusClosedError. */
  request(subject: string, payload: string, timeoutMs: number): Promise<string>;
  /** `deliver` must not throw; `fail` hears of errors the transport reports on the subscription. */
  subscribe(
    pattern: string,
    queue: string | undefined,
    deliver: (message: TransportMessage) => void,
    fail: (error: Error) => void,
  ): TransportSubscription;
  /** Resolves once everything sent so far (subscriptions included) has reached the server. */
  flush(): Promise<void>;
  /** Flush and close gracefully (subscriptions are drained by the bus first). */
  drain(): Promise<void>;
  /** Close at once; pending requests reject with BusClosedError. */
  close(): Promise<void>;
}
