// One behaviour suite for every bus adapter: the in-process unit spec and the NATS int spec both
// call it, so the embedded and the distributed mode promise the same things.
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type Bus,
  BusClosedError,
  BusNoResponderError,
  type BusOptions,
  BusRemoteError,
  BusSlowConsumerError,
  BusSubjectError,
  BusSubscriberError,
  BusTimeoutError,
  BusValidationError,
  eventChannel,
  requestChannel,
} from "../src/index.ts";

export interface BusHarness {
  /** A bus on the shared medium: one more process in the NATS case. */
  connect(options?: BusOptions): Promise<Bus>;
}

const quote = z.object({ instrument: z.string().min(1), lots: z.number().int().positive() });
const priced = z.object({ instrument: z.string(), notional: z.bigint() });
const trade = z.object({ instrument: z.string(), price: z.number().int(), qty: z.number().int().positive() });
const looseTrade = z.object({ instrument: z.string(), price: z.unknown(), qty: z.unknown() });

/** Fresh subjects per test, so tests sharing one NATS server never hear each other. */
let testNumber = 0;
function channelsFor(prefix: string) {
  return {
    price: requestChannel(`${prefix}.price`, { request: quote, reply: priced }),
    /** The same subject with a reply schema the responder does not honour. */
    priceStrict: requestChannel(`${prefix}.price`, {
      request: quote,
      reply: z.object({ currency: z.string() }),
    }),
    priceLoose: requestChannel(`${prefix}.price`, {
      request: z.object({ instrument: z.unknown(), lots: z.unknown() }),
      reply: priced,
    }),
    shard: requestChannel(`${prefix}.shard.*`, { request: quote, reply: z.string() }),
    shardEast: `${prefix}.shard.east`,
    shardWest: `${prefix}.shard.west`,
    trades: eventChannel(`${prefix}.trades.>`, trade),
    tradesBase: `${prefix}.trades`,
    tradesH100: `${prefix}.trades.H100`,
    tradesLoose: eventChannel(`${prefix}.trades.>`, looseTrade),
    done: eventChannel(`${prefix}.done`, z.null()),
  };
}

/** Collects what a subscriber receives; `waitFor` resolves once `count` have arrived. */
function collector<T>() {
  const items: T[] = [];
  return {
    items,
    add: (item: T) => {
      items.push(item);
    },
    async waitFor(count: number): Promise<T[]> {
      for (let waited = 0; items.length < count; waited += 5) {
        if (waited > 5_000) throw new Error(`got ${items.length} of ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return items;
    },
  };
}

const settleOf = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );

export function busBehaviour(kind: string, harness: () => BusHarness): void {
  describe(`bus behaviour: ${kind}`, () => {
    const open: Bus[] = [];
    let ch: ReturnType<typeof channelsFor>;
    const connect = async (options?: BusOptions) => {
      const bus = await harness().connect(options);
      open.push(bus);
      return bus;
    };
    const errorsOf = () => {
      const errors: Error[] = [];
      return { errors, options: { onError: (error: Error) => errors.push(error) } };
    };

    /** Publishes trades at these prices, then waits until `sub` has received all of them (a marker
     * sent after them on the same connection arrives after them). */
    const publishSettled = async (sub: Bus, publisher: Bus, prices: readonly number[]) => {
      const marker = sub.messages(ch.done);
      await sub.flush();
      for (const price of prices)
        publisher.publish(ch.trades, { instrument: "H100", price, qty: 1 }, { subject: ch.tradesH100 });
      publisher.publish(ch.done, null);
      await marker[Symbol.asyncIterator]().next();
      marker.unsubscribe();
    };

    afterEach(async () => {
      await Promise.all(open.splice(0).map((bus) => bus.close()));
    });

    // A fresh prefix for each test (the `it` wrapper below keeps this out of every test body).
    const test = (name: string, body: () => Promise<void>) =>
      it(name, async () => {
        ch = channelsFor(`ghxbus${process.pid}t${++testNumber}`);
        await body();
      });

    test("answers a request with the handler's validated reply, async handlers included", async () => {
      const server = await connect();
      const client = await connect();
      server.serve(ch.price, async (request, { subject }) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        expect(subject).toBe(ch.price.subject);
        return { instrument: request.instrument, notional: BigInt(request.lots) * 10n ** 18n };
      });
      await server.flush();
      const reply = await client.request(ch.price, { instrument: "H100.WUHU.2027M01", lots: 3 });
      expect(reply).toEqual({ instrument: "H100.WUHU.2027M01", notional: 3n * 10n ** 18n });
    });

    test("times out a request nobody answers, per call and by the bus default", async () => {
      const server = await connect();
      const client = await connect({ requestTimeoutMs: 60 });
      let received = 0;
      server.serve(ch.price, () => {
        received++;
        return new Promise(() => {});
      });
      await server.flush();
      const perCall = await settleOf(
        client.request(ch.price, { instrument: "X", lots: 1 }, { timeoutMs: 40 }),
      );
      expect(perCall.error).toBeInstanceOf(BusTimeoutError);
      expect(perCall.error).toMatchObject({ subject: ch.price.subject, timeoutMs: 40 });
      const byDefault = await settleOf(client.request(ch.price, { instrument: "X", lots: 1 }));
      expect(byDefault.error).toMatchObject({ name: "BusTimeoutError", timeoutMs: 60 });
      expect(received).toBe(2);
    });

    test("fails fast with BusNoResponderError when nobody serves the subject", async () => {
      const client = await connect();
      const result = await settleOf(
        client.request(ch.price, { instrument: "X", lots: 1 }, { timeoutMs: 5_000 }),
      );
      expect(result.error).toBeInstanceOf(BusNoResponderError);
      expect(result.error).toMatchObject({ subject: ch.price.subject });
    });

    test("carries a handler's failure back as BusRemoteError, and keeps serving", async () => {
      const server = await connect();
      const client = await connect();
      server.serve(ch.price, (request) => {
        if (request.lots === 1)
          throw Object.assign(new Error("no such product"), { code: "UNKNOWN_INSTRUMENT" });
        if (request.lots === 2) return Promise.reject(new Error("disk on fire"));
        return { instrument: request.instrument, notional: 1n };
      });
      await server.flush();
      const coded = await settleOf(client.request(ch.price, { instrument: "X", lots: 1 }));
      expect(coded.error).toBeInstanceOf(BusRemoteError);
      expect(coded.error).toMatchObject({ code: "UNKNOWN_INSTRUMENT", remoteMessage: "no such product" });
      const uncoded = await settleOf(client.request(ch.price, { instrument: "X", lots: 2 }));
      expect(uncoded.error).toMatchObject({
        name: "BusRemoteError",
        code: "INTERNAL",
        remoteMessage: "disk on fire",
      });
      expect(await client.request(ch.price, { instrument: "X", lots: 3 })).toEqual({
        instrument: "X",
        notional: 1n,
      });
    });

    test("rejects an invalid request before sending it, naming the field", async () => {
      const server = await connect();
      const client = await connect();
      let received = 0;
      server.serve(ch.price, () => {
        received++;
        return { instrument: "X", notional: 1n };
      });
      await server.flush();
      const result = await settleOf(client.request(ch.price, { instrument: "X", lots: 1.5 }));
      expect(result.error).toBeInstanceOf(BusValidationError);
      expect(result.error).toMatchObject({ stage: "request:send", field: "lots" });
      expect(received).toBe(0);
    });

    test("a responder rejects an invalid request it receives; the requester learns which field", async () => {
      const server = await connect();
      const client = await connect();
      server.serve(ch.price, () => ({ instrument: "X", notional: 1n }));
      await server.flush();
      const result = await settleOf(client.request(ch.priceLoose, { instrument: "X", lots: -2 }));
      expect(result.error).toBeInstanceOf(BusValidationError);
      expect(result.error).toMatchObject({ stage: "request:receive", field: "lots" });
    });

    test("a reply that fails the responder's schema is reported there and reaches the requester typed", async () => {
      const seen = errorsOf();
      const server = await connect(seen.options);
      const client = await connect();
      server.serve(ch.price, () => ({ instrument: "X", notional: 5 as unknown as bigint }));
      await server.flush();
      const result = await settleOf(client.request(ch.price, { instrument: "X", lots: 1 }));
      expect(result.error).toMatchObject({
        name: "BusValidationError",
        stage: "reply:send",
        field: "notional",
      });
      expect(seen.errors).toEqual([expect.objectContaining({ stage: "reply:send", field: "notional" })]);
    });

    test("a reply that fails the requester's schema is a BusValidationError at reply:receive", async () => {
      const server = await connect();
      const client = await connect();
      server.serve(ch.price, () => ({ instrument: "X", notional: 1n }));
      await server.flush();
      const result = await settleOf(client.request(ch.priceStrict, { instrument: "X", lots: 1 }));
      expect(result.error).toMatchObject({
        name: "BusValidationError",
        stage: "reply:receive",
        field: "currency",
      });
    });

    test("spreads a queue group's requests over its members and answers each request once", async () => {
      const requests = 90;
      const members = [await connect(), await connect(), await connect()];
      const handled = members.map(() => 0);
      members.forEach((bus, i) => {
        bus.serve(
          ch.price,
          (request) => {
            handled[i]!++;
            return { instrument: `${request.instrument}@${i}`, notional: BigInt(request.lots) };
          },
          { queue: "pricers" },
        );
      });
      await Promise.all(members.map((bus) => bus.flush()));
      const client = await connect();
      const replies = await Promise.all(
        Array.from({ length: requests }, (_, n) =>
          client.request(ch.price, { instrument: "H100", lots: n + 1 }),
        ),
      );
      expect(replies.map((reply) => reply.notional)).toEqual(
        Array.from({ length: requests }, (_, n) => BigInt(n + 1)),
      );
      expect(handled.reduce((a, b) => a + b)).toBe(requests);
      for (const count of handled) expect(count).toBeGreaterThan(0);
    });

    test("delivers a published message once per queue group and to every plain subscriber", async () => {
      const [a, b, plain, publisher] = [await connect(), await connect(), await connect(), await connect()];
      const group = collector<string>();
      const all = collector<string>();
      a.subscribe(ch.trades, (t) => group.add(`a:${t.price}`), { queue: "workers" });
      b.subscribe(ch.trades, (t) => group.add(`b:${t.price}`), { queue: "workers" });
      plain.subscribe(ch.trades, (t) => all.add(String(t.price)));
      await Promise.all([a.flush(), b.flush(), plain.flush()]);
      for (let price = 0; price < 40; price++) {
        publisher.publish(ch.trades, { instrument: "H100", price, qty: 1 }, { subject: ch.tradesH100 });
      }
      expect((await all.waitFor(40)).map(Number)).toEqual(Array.from({ length: 40 }, (_, n) => n));
      const byGroup = await group.waitFor(40);
      expect(new Set(byGroup.map((entry) => entry.split(":")[1])).size).toBe(40);
      expect(byGroup.some((entry) => entry.startsWith("a:"))).toBe(true);
      expect(byGroup.some((entry) => entry.startsWith("b:"))).toBe(true);
    });

    test("matches `*` to one token and `>` to one or more, as NATS does", async () => {
      const sub = await connect();
      const publisher = await connect();
      const base = ch.tradesBase;
      const star = collector<string>();
      const tail = collector<string>();
      sub.subscribe(ch.trades, (_t, { subject }) => star.add(subject), { subject: `${base}.*` });
      sub.subscribe(ch.trades, (_t, { subject }) => tail.add(subject));
      await sub.flush();
      const message = { instrument: "H100", price: 1, qty: 1 };
      for (const subject of [`${base}.H100`, `${base}.H100.WUHU`, `${base}.B200`]) {
        publisher.publish(ch.trades, message, { subject });
      }
      expect(() => publisher.publish(ch.trades, message, { subject: base })).toThrow(BusSubjectError);
      expect(() => publisher.publish(ch.trades, message)).toThrow(BusSubjectError);
      expect(() => sub.subscribe(ch.trades, () => {}, { subject: `${base}x.*` })).toThrow(BusSubjectError);
      expect(await tail.waitFor(3)).toEqual([`${base}.H100`, `${base}.H100.WUHU`, `${base}.B200`]);
      expect(await star.waitFor(2)).toEqual([`${base}.H100`, `${base}.B200`]);
    });

    test("routes requests on a pattern channel to the concrete subject named", async () => {
      const server = await connect();
      server.serve(ch.shard, (request, { subject }) => `${subject.split(".").at(-1)}:${request.instrument}`, {
        subject: ch.shardEast,
      });
      await server.flush();
      const [east, west] = [ch.shardEast, ch.shardWest];
      expect(await server.request(ch.shard, { instrument: "H100", lots: 1 }, { subject: east })).toBe(
        "east:H100",
      );
      const result = await settleOf(
        server.request(ch.shard, { instrument: "H100", lots: 1 }, { subject: west }),
      );
      expect(result.error).toBeInstanceOf(BusNoResponderError);
    });

    test("reports invalid messages and throwing subscribers without stopping the subscription", async () => {
      const seen = errorsOf();
      const sub = await connect(seen.options);
      const publisher = await connect();
      const got = collector<number>();
      const subject = ch.tradesH100;
      sub.subscribe(ch.trades, (t) => {
        got.add(t.price);
        if (t.price === 2) throw new Error("subscriber bug");
      });
      await sub.flush();
      publisher.publish(ch.trades, { instrument: "H100", price: 1, qty: 1 }, { subject });
      publisher.publish(ch.tradesLoose, { instrument: "H100", price: "1.5", qty: 1 }, { subject });
      publisher.publish(ch.trades, { instrument: "H100", price: 2, qty: 1 }, { subject });
      publisher.publish(ch.trades, { instrument: "H100", price: 3, qty: 1 }, { subject });
      expect(await got.waitFor(3)).toEqual([1, 2, 3]);
      expect(seen.errors).toHaveLength(2);
      expect(seen.errors[0]).toMatchObject({
        name: "BusValidationError",
        stage: "message:receive",
        field: "price",
      });
      expect(seen.errors[1]).toBeInstanceOf(BusSubscriberError);
      expect(() =>
        publisher.publish(ch.trades, { instrument: "H100", price: 1, qty: 0 }, { subject }),
      ).toThrow(expect.objectContaining({ name: "BusValidationError", stage: "message:send", field: "qty" }));
    });

    test("iterates a subscription; unsubscribe and break end it, drain first delivers what arrived", async () => {
      const sub = await connect();
      const publisher = await connect();
      const subject = ch.tradesH100;
      const stream = sub.messages(ch.trades);
      const broken = sub.messages(ch.trades);
      await sub.flush();
      for (let price = 1; price <= 3; price++)
        publisher.publish(ch.trades, { instrument: "H100", price, qty: 1 }, { subject });
      const seen: number[] = [];
      for await (const { message, subject: on } of stream) {
        expect(on).toBe(subject);
        seen.push(message.price);
        if (seen.length === 3) stream.unsubscribe();
      }
      expect(seen).toEqual([1, 2, 3]);
      for await (const { message } of broken) if (message.price === 1) break;

      const drained = sub.messages(ch.trades);
      await publishSettled(sub, publisher, [4, 5]);
      await drained.drain();
      publisher.publish(ch.trades, { instrument: "H100", price: 6, qty: 1 }, { subject });
      const rest: number[] = [];
      for await (const { message } of drained) rest.push(message.price);
      expect(rest).toEqual([4, 5]);
    });

    test("a slow iterable consumer loses messages past its bound, with a report", async () => {
      const seen = errorsOf();
      const sub = await connect(seen.options);
      const publisher = await connect();
      const stream = sub.messages(ch.trades, { pendingMax: 2 });
      await publishSettled(sub, publisher, [1, 2, 3, 4]);
      await stream.drain();
      const kept: number[] = [];
      for await (const { message } of stream) kept.push(message.price);
      expect(kept).toEqual([1, 2]);
      expect(seen.errors).toHaveLength(2);
      expect(seen.errors[0]).toBeInstanceOf(BusSlowConsumerError);
    });

    test("stops delivering after unsubscribe", async () => {
      const sub = await connect();
      const publisher = await connect();
      const got = collector<number>();
      const subscription = sub.subscribe(ch.trades, (t) => got.add(t.price));
      await publishSettled(sub, publisher, [1]);
      expect(got.items).toEqual([1]);
      subscription.unsubscribe();
      await publishSettled(sub, publisher, [2]);
      expect(got.items).toEqual([1]);
    });

    test("answers many concurrent requests, each with its own reply", async () => {
      const server = await connect();
      const client = await connect();
      server.serve(ch.price, async (request) => {
        await new Promise((resolve) => setTimeout(resolve, request.lots % 7));
        return { instrument: request.instrument, notional: BigInt(request.lots) * 3n };
      });
      await server.flush();
      const count = 1_000;
      const replies = await Promise.all(
        Array.from({ length: count }, (_, n) =>
          client.request(ch.price, { instrument: `I${n}`, lots: n + 1 }),
        ),
      );
      replies.forEach((reply, n) => {
        expect(reply).toEqual({ instrument: `I${n}`, notional: BigInt(n + 1) * 3n });
      });
    });

    test("drain lets in-flight handlers reply, then the bus refuses new work", async () => {
      const server = await connect();
      const client = await connect();
      const order: string[] = [];
      let release: () => void = () => {};
      const started = new Promise<void>((resolve) => {
        server.serve(ch.price, async (request) => {
          resolve();
          await new Promise<void>((r) => {
            release = r;
          });
          order.push("handled");
          return { instrument: request.instrument, notional: 7n };
        });
      });
      await server.flush();
      const pending = client.request(ch.price, { instrument: "X", lots: 1 });
      await started;
      const drained = server.drain().then(() => order.push("drained"));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(order).toEqual([]);
      release();
      await drained;
      expect(order).toEqual(["handled", "drained"]);
      expect(await pending).toEqual({ instrument: "X", notional: 7n });
      expect(() => server.serve(ch.price, () => ({ instrument: "X", notional: 1n }))).toThrow(BusClosedError);
      const after = await settleOf(client.request(ch.price, { instrument: "X", lots: 1 }));
      expect(after.error).toBeInstanceOf(BusNoResponderError);
    });

    test("close rejects the requests it cuts off and every later call with BusClosedError", async () => {
      const server = await connect();
      const client = await connect();
      server.serve(ch.price, () => new Promise(() => {}));
      await server.flush();
      const pending = settleOf(client.request(ch.price, { instrument: "X", lots: 1 }, { timeoutMs: 10_000 }));
      await new Promise((resolve) => setTimeout(resolve, 20));
      await client.close();
      expect((await pending).error).toBeInstanceOf(BusClosedError);
      const later = await settleOf(client.request(ch.price, { instrument: "X", lots: 1 }));
      expect(later.error).toBeInstanceOf(BusClosedError);
      expect(() => client.publish(ch.done, null)).toThrow(BusClosedError);
    });
  });
}
