// The distributed exchange: one core process and two gateway processes over a private
// nats-server; the same scenario as the embedded one.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { natsAvailable } from "@ghx/testkit";
import { afterAll, beforeAll, describe } from "vitest";
import { type RunningExchange, startDistributedExchange } from "./support/processes.ts";
import { exchangeScenario } from "./support/scenario.ts";

describe.skipIf(!natsAvailable())("distributed exchange (core + 2 gateways over NATS)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ghx-e2e-distributed-"));
  let exchange: RunningExchange;
  beforeAll(async () => {
    exchange = await startDistributedExchange(dataDir, 2);
  });
  afterAll(async () => {
    await exchange?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  exchangeScenario(() => exchange);
});
