import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { eventChannel, InProcessBroker, requestChannel } from "../src/index.ts";
import { busBehaviour } from "./behaviour.ts";

let broker = new InProcessBroker();
beforeEach(() => {
  broker = new InProcessBroker();
});

busBehaviour("in-process", () => ({ connect: async (options) => broker.connect(options) }));

describe("in-process specifics", () => {
  const ticks = eventChannel("ticks", z.number());
  const echo = requestChannel("echo", { request: z.number(), reply: z.number() });

  it("delivers after publish returns; unsubscribe drops what is scheduled, drain delivers it", async () => {
    const bus = broker.connect();
    const dropped: number[] = [];
    const drained: number[] = [];
    const cut = bus.subscribe(ticks, (n) => {
      dropped.push(n);
    });
    const kept = bus.subscribe(ticks, (n) => {
      drained.push(n);
    });
    bus.publish(ticks, 1);
    expect(drained).toEqual([]);
    cut.unsubscribe();
    await kept.drain();
    expect(dropped).toEqual([]);
    expect(drained).toEqual([1]);
  });

  it("takes queue-group turns strictly round-robin", async () => {
    const bus = broker.connect();
    const served: number[] = [];
    for (const member of [0, 1, 2]) {
      bus.serve(
        echo,
        (n) => {
          served.push(member);
          return n;
        },
        { queue: "q" },
      );
    }
    for (let n = 0; n < 7; n++) expect(await bus.request(echo, n)).toBe(n);
    expect(served).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });
});
