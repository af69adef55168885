// Child process of feed.bench.ts: opens `count` WebSocket subscribers to one product's book and
// records, for every update, the latency from the feed's ingest of the oldest event in it to
// receipt here (performance.timeOrigin + performance.now() is one clock across processes).
// Answers the parent's "report" with its message count and histogram (then starts afresh).
import * as hdr from "hdr-histogram-js";
import { WebSocket } from "ws";

const [url = "", countText = "0", symbol = ""] = process.argv.slice(2);
const count = Number(countText);
let histogram = hdr.build({
  lowestDiscernibleValue: 1,
  highestTrackableValue: 60_000_000,
  numberOfSignificantValueDigits: 3,
});
let messages = 0;
let cpuSince = process.cpuUsage();
let closed = 0;
const marker = Buffer.from('"ingestMs":');

/** Only the stamp is read: the bytes after the marker, never the whole message as a string. */
function onMessage(data: Buffer): void {
  const at = data.indexOf(marker);
  if (at < 0) return;
  const from = at + marker.length;
  const sentMs = Number.parseFloat(data.toString("latin1", from, from + 24));
  const latencyUs = Math.max(1, Math.round((performance.timeOrigin + performance.now() - sentMs) * 1000));
  histogram.recordValue(latencyUs);
  messages++;
}

let open = 0;
for (let i = 0; i < count; i++) {
  // The bench client only looks for the stamp: no UTF-8 validation of every message.
  const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
  ws.on("open", () => {
    ws.send(JSON.stringify({ op: "subscribe", channel: "book", symbols: [symbol], depth: 10 }));
    if (++open === count) process.send?.({ type: "ready" });
  });
  ws.on("message", onMessage);
  ws.on("close", () => closed++);
  ws.on("error", () => {});
}

process.on("message", (request: { type: string }) => {
  if (request.type !== "report") return;
  const cpu = process.cpuUsage(cpuSince);
  cpuSince = process.cpuUsage();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.send?.({
    type: "report",
    messages,
    closed,
    cpuSeconds,
    histogram: hdr.encodeIntoCompressedBase64(histogram),
  });
  histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  messages = 0;
});
process.on("disconnect", () => process.exit(0));
