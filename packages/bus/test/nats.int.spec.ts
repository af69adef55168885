import { type NatsServers, natsAvailable, startNatsServer } from "@ghx/testkit";
import { afterAll, beforeAll, describe } from "vitest";
import { connectNatsBus } from "../src/index.ts";
import { busBehaviour } from "./behaviour.ts";

describe.skipIf(!natsAvailable())("NATS adapter", () => {
  let nats: NatsServers;
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await nats?.stop();
  });

  busBehaviour("nats", () => ({ connect: (options) => connectNatsBus({ servers: nats.servers }, options) }));
});
