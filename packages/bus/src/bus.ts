// The typed bus over any Transport: subjects checked against their channel, payloads validated on
// send and on receipt, handler failures carried back as typed errors, and every subscriber loop
// shielded: a bad message or a throwing callback is reported through `onError`, never thrown.
import type { EventChannel, RequestChannel } from "./channel.ts";
import { encode } from "./codec.ts";
import {
  BusClosedError,
  BusSlowConsumerError,
  BusSubjectError,
  BusSubscriberError,
  BusValidationError,
} from "./errors.ts";
import { requestTimeoutMsDefault, streamPendingMax } from "./limits.ts";
import { MessageQueue } from "./stream.ts";
import { patternCovers, patternMatches, patternTokens, subjectTokens } from "./subject.ts";
import type { Transport, TransportMessage } from "./transport.ts";
import {
  decodeValid,
  encodeRemoteFailure,
  encodeReply,
  encodeValidationFailure,
  openReply,
  validate,
} from "./wire.ts";

export interface BusOptions {
  /** Timeout of a request that names none; default limits.requestTimeoutMsDefault. */
  readonly requestTimeoutMs?: number;
  /** Default buffer bound of iterable subscriptions; default limits.streamPendingMax. */
  readonly streamPendingMax?: number;
  /** Hears what no caller can: invalid received messages, throwing subscribers, dropped messages. */
  readonly onError?: (error: Error) => void;
}

export interface RequestOptions {
  readonly timeoutMs?: number;
  /** The concrete subject, required when the channel's subject is a pattern. */
  readonly subject?: string;
}

export interface PublishOptions {
  /** The concrete subject, required when the channel's subject is a pattern. */
  readonly subject?: string;
}

export interface SubscribeOptions {
  /** A pattern narrower than (or equal to) the channel's; default the channel's subject. */
  readonly subject?: string;
  /** Subscribers sharing a queue name share the messages: each goes to one of them. */
  readonly queue?: string;
}

export interface StreamOptions extends SubscribeOptions {
  readonly pendingMax?: number;
}

export interface MessageContext {
  /** The concrete subject the message arrived on. */
  readonly subject: string;
}

export interface Delivery<Msg> extends MessageContext {
  readonly message: Msg;
}

export type RequestHandler<Req, Rep> = (request: Req, context: MessageContext) => Rep | Promise<Rep>;
export type MessageHandler<Msg> = (message: Msg, context: MessageContext) => void | Promise<void>;

export interface BusSubscription {
  /** The subscribed pattern. */
  readonly subject: string;
  /** Stop at once; messages received but not yet handled are dropped. */
  unsubscribe(): void;
  /** Stop receiving, finish what was received (async handlers included), then resolve. */
  drain(): Promise<void>;
}

/** An iterable subscription; `drain()` ends the iteration after the buffered messages. */
export interface MessageStream<Msg> extends BusSubscription, AsyncIterable<Delivery<Msg>> {}

export interface Bus {
  request<Req, Rep>(
    channel: RequestChannel<Req, Rep>,
    request: NoInfer<Req>,
    options?: RequestOptions,
  ): Promise<Rep>;
  serve<Req, Rep>(
    channel: RequestChannel<Req, Rep>,
    handler: RequestHandler<Req, Rep>,
    options?: SubscribeOptions,
  ): BusSubscription;
  publish<Msg>(channel: EventChannel<Msg>, message: NoInfer<Msg>, options?: PublishOptions): void;
  subscribe<Msg>(
    channel: EventChannel<Msg>,
    handler: MessageHandler<Msg>,
    options?: SubscribeOptions,
  ): BusSubscription;
  messages<Msg>(channel: EventChannel<Msg>, options?: StreamOptions): MessageStream<Msg>;
  /** Resolves once earlier subscriptions and messages have reached the server (NATS): call it after
   * serve()/subscribe() before telling others you are ready. */
  flush(): Promise<void>;
  /** Drain every subscription (in-flight handlers finish and reply), then close the transport. */
  drain(): Promise<void>;
  /** Close at once: subscriptions stop, pending requests reject with BusClosedError. */
  close(): Promise<void>;
}

type Channel = { readonly subject: string; readonly tokens: readonly string[] };
type StopKind = "unsubscribe" | "drain";

/** Tracks the handler runs of one subscription so drain can wait for them. */
class Inflight {
  private readonly running = new Set<Promise<void>>();

  /** `task` must never reject. */
  add(task: Promise<void>): void {
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
  }

  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}

const reportToConsole = (error: Error): void => console.error(`[bus] ${error.name}: ${error.message}`);

export function createBus(transport: Transport, options: BusOptions = {}): Bus {
  return new TypedBus(transport, options);
}

class TypedBus implements Bus {
  private readonly subscriptions = new Set<BusSubscription>();
  private readonly timeoutMs: number;
  private readonly pendingMax: number;
  private readonly report: (error: Error) => void;
  private accepting = true;
  private draining: Promise<void> | undefined;

  constructor(
    private readonly transport: Transport,
    options: BusOptions,
  ) {
    this.timeoutMs = options.requestTimeoutMs ?? requestTimeoutMsDefault;
    this.pendingMax = options.streamPendingMax ?? streamPendingMax;
    this.report = options.onError ?? reportToConsole;
  }

  async request<Req, Rep>(channel: RequestChannel<Req, Rep>, request: Req, options: RequestOptions = {}) {
    const subject = concreteSubject(channel, options.subject);
    const payload = encode(validate(channel.request, request, subject, "request:send"));
    const reply = await this.transport.request(subject, payload, options.timeoutMs ?? this.timeoutMs);
    return validate(channel.reply, openReply(reply, subject), subject, "reply:receive");
  }

  serve<Req, Rep>(
    channel: RequestChannel<Req, Rep>,
    handler: RequestHandler<Req, Rep>,
    options: SubscribeOptions = {},
  ): BusSubscription {
    return this.listen(channel, options, (message) => this.answer(channel, handler, message));
  }

  publish<Msg>(channel: EventChannel<Msg>, message: Msg, options: PublishOptions = {}): void {
    const subject = concreteSubject(channel, options.subject);
    this.transport.publish(subject, encode(validate(channel.message, message, subject, "message:send")));
  }

  subscribe<Msg>(
    channel: EventChannel<Msg>,
    handler: MessageHandler<Msg>,
    options: SubscribeOptions = {},
  ): BusSubscription {
    return this.listen(channel, options, (message) => this.consume(channel, handler, message));
  }

  messages<Msg>(channel: EventChannel<Msg>, options: StreamOptions = {}): MessageStream<Msg> {
    const pendingMax = options.pendingMax ?? this.pendingMax;
    const overflow = () => this.report(new BusSlowConsumerError(subscription.subject, pendingMax));
    const queue = new MessageQueue<Delivery<Msg>>(pendingMax, overflow, () => subscription.unsubscribe());
    const push = ({ subject, payload }: TransportMessage) => {
      try {
        queue.push({ subject, message: decodeValid(channel.message, payload, subject, "message:receive") });
      } catch (error) {
        this.report(error as Error);
      }
      return undefined;
    };
    const stop = (kind: StopKind) => (kind === "drain" ? queue.end() : queue.discard());
    const subscription = this.listen(channel, options, push, stop);
    return {
      subject: subscription.subject,
      unsubscribe: () => subscription.unsubscribe(),
      drain: () => subscription.drain(),
      [Symbol.asyncIterator]: () => queue,
    };
  }

  flush(): Promise<void> {
    return this.transport.flush();
  }

  drain(): Promise<void> {
    this.accepting = false;
    this.draining ??= this.drainAll();
    return this.draining;
  }

  async close(): Promise<void> {
    this.accepting = false;
    for (const subscription of [...this.subscriptions]) subscription.unsubscribe();
    await this.transport.close();
  }

  private async drainAll(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.drain()));
    await this.transport.drain();
  }

  /** Subscribes `onMessage` (which returns the handler's run, if any, for drain to wait on). */
  private listen(
    channel: Channel,
    options: SubscribeOptions,
    onMessage: (message: TransportMessage) => Promise<void> | undefined,
    onStop: (kind: StopKind) => void = () => {},
  ): BusSubscription {
    if (!this.accepting) throw new BusClosedError();
    const subject = subscribedPattern(channel, options.subject);
    const inflight = new Inflight();
    const deliver = (message: TransportMessage) => {
      const run = onMessage(message);
      if (run) inflight.add(run);
    };
    const underlying = this.transport.subscribe(subject, options.queue, deliver, this.report);
    let stopping: Promise<void> | undefined;
    const subscription: BusSubscription = {
      subject,
      unsubscribe: () => {
        if (!this.subscriptions.delete(subscription)) return;
        underlying.unsubscribe();
        onStop("unsubscribe");
      },
      drain: () => {
        stopping ??= (async () => {
          await underlying.drain();
          await inflight.settled();
          if (this.subscriptions.delete(subscription)) onStop("drain");
        })();
        return stopping;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  private async answer<Req, Rep>(
    channel: RequestChannel<Req, Rep>,
    handler: RequestHandler<Req, Rep>,
    { subject, payload, respond }: TransportMessage,
  ): Promise<void> {
    if (!respond) {
      const issue = { path: "", message: "request published without a reply subject" };
      return this.report(new BusValidationError(subject, "request:receive", [issue]));
    }
    const send = (reply: string) => {
      try {
        respond(reply);
      } catch (error) {
        if (this.accepting) this.report(error as Error);
      }
    };
    let request: Req;
    try {
      request = decodeValid(channel.request, payload, subject, "request:receive");
    } catch (error) {
      return send(encodeValidationFailure(error as BusValidationError));
    }
    let reply: Rep;
    try {
      reply = await handler(request, { subject });
    } catch (error) {
      return send(encodeRemoteFailure(error));
    }
    send(this.encodeValidReply(channel, reply, subject));
  }

  /** A reply failing its own schema is the responder's bug: reported here, and sent as such. */
  private encodeValidReply<Rep>(channel: RequestChannel<unknown, Rep>, reply: Rep, subject: string): string {
    try {
      return encodeReply(validate(channel.reply, reply, subject, "reply:send"));
    } catch (error) {
      this.report(error as Error);
      return error instanceof BusValidationError
        ? encodeValidationFailure(error)
        : encodeRemoteFailure(error);
    }
  }

  private async consume<Msg>(
    channel: EventChannel<Msg>,
    handler: MessageHandler<Msg>,
    { subject, payload }: TransportMessage,
  ): Promise<void> {
    let message: Msg;
    try {
      message = decodeValid(channel.message, payload, subject, "message:receive");
    } catch (error) {
      return this.report(error as Error);
    }
    try {
      await handler(message, { subject });
    } catch (error) {
      this.report(new BusSubscriberError(subject, { cause: error }));
    }
  }
}

/** The subject to send on: the given one (or the channel's) if concrete and on the channel. */
function concreteSubject(channel: Channel, subject: string | undefined): string {
  if (subject === undefined && channel.tokens.some((token) => token === "*" || token === ">")) {
    throw new BusSubjectError(channel.subject, "the channel is a pattern: name the subject in options");
  }
  const chosen = subject ?? channel.subject;
  const tokens = subjectTokens(chosen);
  if (subject !== undefined && !patternMatches(channel.tokens, tokens)) {
    throw new BusSubjectError(subject, `not on channel ${channel.subject}`);
  }
  return chosen;
}

/** The pattern to subscribe to: the given one (or the channel's) if the channel covers it. */
function subscribedPattern(channel: Channel, subject: string | undefined): string {
  if (subject === undefined) return channel.subject;
  if (!patternCovers(channel.tokens, patternTokens(subject))) {
    throw new BusSubjectError(subject, `not within channel ${channel.subject}`);
  }
  return subject;
}
