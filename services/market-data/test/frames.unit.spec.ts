// Frames built once for every subscriber must be what a WebSocket client reads: ws's own frame
// parser (Receiver, as in its clients) gets back the exact text for every length encoding.

import { describe, expect, it } from "vitest";
import * as ws from "ws";
import { encodeFrame, textFrame } from "../src/feed/frames.ts";

interface ReceiverLike {
  on(event: "message", listener: (data: Buffer, isBinary: boolean) => void): void;
  write(chunk: Buffer): void;
}
const { Receiver } = ws as unknown as { Receiver: new (options: object) => ReceiverLike };

function received(wire: Buffer): { text: string; isBinary: boolean }[] {
  const receiver = new Receiver({ isServer: false, maxPayload: 0 });
  const out: { text: string; isBinary: boolean }[] = [];
  receiver.on("message", (data, isBinary) => out.push({ text: data.toString("utf8"), isBinary }));
  receiver.write(wire);
  return out;
}

describe("textFrame", () => {
  // 7-bit, 16-bit and 64-bit payload lengths, each at and around its boundary.
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 200_000])("a %i-byte text arrives whole", (n) => {
    const text = "é".repeat(Math.floor(n / 2)) + "x".repeat(n % 2);
    const frame = textFrame(Buffer.from(text));
    expect(frame.text.length).toBe(n);
    expect(received(frame.wire)).toEqual([{ text, isBinary: false }]);
  });

  it("frames written back to back are read as separate messages", () => {
    const a = encodeFrame({ type: "update", seq: 1 });
    const b = encodeFrame({ type: "heartbeat", seqs: { "H100.WUHU.2027M01": 1 } });
    const messages = received(Buffer.concat([a.wire, b.wire])).map((m) => JSON.parse(m.text));
    expect(messages).toEqual([
      { type: "update", seq: 1 },
      { type: "heartbeat", seqs: { "H100.WUHU.2027M01": 1 } },
    ]);
  });
});
