// Child process of feed.bench.ts: opens `count` WebSocket subscribers to one product's book and
// records, for every update, the latency from the time the oldest event in it was due to receipt
// here (performance.timeOrigin + performance.now() is one clock across processes). Answers the
// parent's "report" with its message count and histogram (then starts afresh).
//
// The clients are deliberately cheap, because they share the machine's two cores with the feed:
// each is a bare TCP socket that does the RFC 6455 handshake itself and splits the server's
// (unmasked, unfragmented: the feed sends nothing else) frames by their length header. For a
// book update it reads only the `ingestMs` stamp between the header's end and the frame's end;
// the JSON is never parsed or checked. Receipt is the read that completes the frame, when ws would
// also have emitted the message. Frames of other opcodes (close, ping) are skipped.
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import * as hdr from "hdr-histogram-js";

const [url = "", countText = "0", symbol = ""] = process.argv.slice(2);
const count = Number(countText);
const target = new URL(url);
let histogram = newHistogram();
let messages = 0;
let cpuSince = process.cpuUsage();
let closed = 0;
const marker = Buffer.from('"ingestMs":');

function newHistogram() {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

function record(frame: Buffer, from: number, to: number): void {
  const at = frame.indexOf(marker, from);
  if (at < 0 || at >= to) return;
  const stamp = at + marker.length;
  const sentMs = Number.parseFloat(frame.toString("latin1", stamp, Math.min(to, stamp + 24)));
  const latencyUs = Math.max(1, Math.round((performance.timeOrigin + performance.now() - sentMs) * 1000));
  histogram.recordValue(latencyUs);
  messages++;
}

/** A client frame: text, masked (RFC 6455 §5.3; the mask may be fixed, the server only unmasks). */
function clientTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error("subscribe request too long for a 7-bit length");
  const mask = randomBytes(4);
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x81;
  frame[1] = 0x80 | payload.length;
  mask.copy(frame, 2);
  for (let i = 0; i < payload.length; i++) frame[6 + i] = (payload[i] ?? 0) ^ (mask[i & 3] ?? 0);
  return frame;
}

const subscribe = clientTextFrame(
  JSON.stringify({ op: "subscribe", channel: "book", symbols: [symbol], depth: 10 }),
);

/** One read buffer for every socket: a read is consumed before the next one (one thread). */
const readBuffer = Buffer.allocUnsafe(256 * 1024);

function open(onOpen: () => void): void {
  let pending: Buffer | undefined;
  let upgraded = false;
  /** Frames in `data` from `at`; returns where the unread rest starts. */
  const frames = (data: Buffer, at: number): number => {
    while (data.length - at >= 2) {
      const opcode = (data[at] ?? 0) & 0x0f;
      let length = (data[at + 1] ?? 0) & 0x7f;
      let header = 2;
      if (length === 126) {
        if (data.length - at < 4) break;
        length = data.readUInt16BE(at + 2);
        header = 4;
      } else if (length === 127) {
        if (data.length - at < 10) break;
        length = Number(data.readBigUInt64BE(at + 2));
        header = 10;
      }
      if (data.length - at < header + length) break;
      if (opcode === 1) record(data, at + header, at + header + length);
      at += header + length;
    }
    return at;
  };
  // `onread` hands each read to the callback in the shared buffer: no Buffer per read and no
  // stream; only an incomplete frame at the end of a read is copied out.
  const socket: Socket = connect({
    port: Number(target.port),
    host: target.hostname,
    onread: {
      buffer: readBuffer,
      callback: (nread) => {
        const read = readBuffer.subarray(0, nread);
        const data = pending ? Buffer.concat([pending, read]) : read;
        pending = undefined;
        let at = 0;
        if (!upgraded) {
          const end = data.indexOf("\r\n\r\n");
          if (end < 0) {
            pending = Buffer.from(data);
            return true;
          }
          if (!data.toString("latin1", 0, 12).endsWith("101")) throw new Error("upgrade refused");
          upgraded = true;
          at = end + 4;
          socket.write(subscribe);
          onOpen();
        }
        at = frames(data, at);
        if (at < data.length) pending = Buffer.from(data.subarray(at));
        return true;
      },
    },
  });
  socket.setNoDelay(true);
  socket.on("connect", () => {
    socket.write(
      `GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
  socket.on("close", () => closed++);
  socket.on("error", () => {});
}

let opened = 0;
for (let i = 0; i < count; i++) {
  open(() => {
    if (++opened === count) process.send?.({ type: "ready" });
  });
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
  histogram = newHistogram();
  messages = 0;
});
process.on("disconnect", () => process.exit(0));
