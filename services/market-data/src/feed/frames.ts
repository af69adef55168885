// Messages framed once for all their subscribers. A public update goes to hundreds or thousands
// of sockets: it is serialised once and wrapped once in a WebSocket text frame (RFC 6455 §5.2:
// FIN + opcode 1, unmasked from a server, 7/16/64-bit length), so each send is one write of the
// same bytes with no per-subscriber framing or allocation in ws.

export interface Frame {
  /** The JSON text, for a socket that negotiated an extension (ws must frame it). */
  readonly text: Buffer;
  /** Header + text: the bytes on the wire. */
  readonly wire: Buffer;
}

const finText = 0x81;

export function textFrame(text: Buffer): Frame {
  const length = text.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const wire = Buffer.allocUnsafe(headerLength + length);
  wire[0] = finText;
  if (headerLength === 2) wire[1] = length;
  else if (headerLength === 4) {
    wire[1] = 126;
    wire.writeUInt16BE(length, 2);
  } else {
    wire[1] = 127;
    wire.writeBigUInt64BE(BigInt(length), 2);
  }
  text.copy(wire, headerLength);
  return { text, wire };
}

export const encodeFrame = (message: unknown): Frame => textFrame(Buffer.from(JSON.stringify(message)));
