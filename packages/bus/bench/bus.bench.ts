// `npm run bench -- bus [--nats]`: request/reply round trips, one at a time, through the typed bus
// (validation + encoding included), in-process by default or over a private nats-server. Also
// publish→subscribe throughput. Last line: one JSON object.
import { natsAvailable, startNatsServer } from "@ghx/testkit";
import hdr from "hdr-histogram-js";
import { z } from "zod";
import { type Bus, connectNatsBus, eventChannel, InProcessBroker, requestChannel } from "../src/index.ts";

const roundTrips = 20_000;
const published = 100_000;

const order = z.object({
  account: z.string(),
  symbol: z.string(),
  side: z.enum(["buy", "sell"]),
  price: z.number().int(),
  lots: z.number().int(),
});
const place = requestChannel("bench.place", { request: order, reply: z.object({ orderId: z.string() }) });
const trades = eventChannel("bench.trades.>", order);
const sample = {
  account: "acc-1",
  symbol: "H100.WUHU.20261124T14",
  side: "buy" as const,
  price: 421_000,
  lots: 3,
};

async function measureRoundTrips(server: Bus, client: Bus) {
  server.serve(place, (cmd) => ({ orderId: `${cmd.account}-${cmd.lots}` }));
  await server.flush();
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 10_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const started = process.hrtime.bigint();
  for (let i = 0; i < roundTrips; i++) {
    const t0 = process.hrtime.bigint();
    await client.request(place, sample);
    histogram.recordValue(Number((process.hrtime.bigint() - t0) / 1000n) || 1);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    opsPerS: roundTrips / seconds,
    p50: histogram.getValueAtPercentile(50),
    p99: histogram.getValueAtPercentile(99),
  };
}

async function measurePublish(subscriber: Bus, publisher: Bus): Promise<number> {
  let received = 0;
  const all = new Promise<void>((resolve) => {
    subscriber.subscribe(trades, () => {
      if (++received === published) resolve();
    });
  });
  await subscriber.flush();
  const started = process.hrtime.bigint();
  for (let i = 0; i < published; i++) publisher.publish(trades, sample, { subject: "bench.trades.H100" });
  await all;
  return published / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function main() {
  const overNats = process.argv.includes("--nats");
  if (overNats && !natsAvailable()) throw new Error("--nats needs nats-server on PATH");
  const nats = overNats ? await startNatsServer() : undefined;
  const broker = new InProcessBroker();
  const connect = async () => (nats ? await connectNatsBus({ servers: nats.servers }) : broker.connect());
  const [server, client] = [await connect(), await connect()];
  try {
    const rr = await measureRoundTrips(server, client);
    const pubPerS = await measurePublish(server, client);
    const adapter = nats ? "nats" : "in-process";
    console.log(`${adapter}: ${roundTrips} sequential requests, ${published} published messages`);
    console.log(
      JSON.stringify({
        bench: "bus",
        adapter,
        ops_per_s: Math.round(rr.opsPerS),
        p50_us: rr.p50,
        p99_us: rr.p99,
        publish_msgs_per_s: Math.round(pubPerS),
      }),
    );
  } finally {
    await Promise.all([server.close(), client.close()]);
    await nats?.stop();
  }
}

await main();
