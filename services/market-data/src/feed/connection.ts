// One WebSocket client of the feed: what it subscribed to, which book snapshots it holds, and a
// bounded send queue. Sending never waits: a message that would take the socket's queue
// (ws.bufferedAmount) past the limit cuts the client off instead, so a slow reader can never
// slow the fan-out to everyone else.
import type { Socket } from "node:net";
import { WebSocket } from "ws";
import { encodeFrame, type Frame } from "./frames.ts";

export interface ConnectionLimits {
  readonly sendQueueBytesMax: number;
  readonly cutoffGraceMs: number;
}

/** Close code sent with resync_required (4000-4999 are for applications). */
export const resyncCloseCode = 4001;

/**
 * The socket under a ws connection (ws keeps it private). Writing pre-framed bytes to it directly
 * is safe while ws queues nothing of its own: no extension negotiated (no compression) and no
 * blobs, which this feed never sends. Otherwise undefined, and frames go through ws.send.
 */
function rawSocket(ws: WebSocket): Socket | undefined {
  if (ws.extensions !== "") return undefined;
  return (ws as unknown as { _socket?: Socket })._socket;
}

export class FeedConnection {
  /** channel key → pattern → parsed segments. */
  readonly subscriptions = new Map<string, Map<string, readonly string[]>>();
  /** Products whose book snapshot this client has (updates go only on top of a snapshot). */
  readonly bookSynced = new Set<string>();
  bookDepth = 0;
  account: string | undefined;
  cutOff = false;
  /** Messages this connection was sent (for stats and tests). */
  sent = 0;
  private readonly socket: Socket | undefined;
  private held = false;

  constructor(
    readonly ws: WebSocket,
    private readonly limits: ConnectionLimits,
    private readonly onCutOff: (connection: FeedConnection) => void,
  ) {
    this.socket = rawSocket(ws);
  }

  /** Equal for connections holding the same books (in the same order): they share a heartbeat. */
  bookSyncedKey(): string {
    let key = "";
    for (const symbol of this.bookSynced) key += `${symbol}\n`;
    return key;
  }

  subscriptionCount(): number {
    let n = 0;
    for (const patterns of this.subscriptions.values()) n += patterns.size;
    return n;
  }

  /** Sends a message framed once for everyone; false if the client is gone or was cut off. */
  send(frame: Frame): boolean {
    if (this.cutOff || this.ws.readyState !== WebSocket.OPEN) return false;
    const socket = this.socket;
    const queued = socket ? socket.writableLength : this.ws.bufferedAmount;
    if (queued + frame.wire.length > this.limits.sendQueueBytesMax) {
      this.cutOffSlowConsumer();
      return false;
    }
    if (socket) socket.write(frame.wire);
    else this.ws.send(frame.text, { binary: false });
    this.sent++;
    return true;
  }

  /**
   * Holds this connection's writes (socket cork) until release(): everything a flush sends it
   * (an update per channel, a heartbeat) leaves in one write. True if it was not held before.
   */
  hold(): boolean {
    if (this.held || !this.socket) return false;
    this.held = true;
    this.socket.cork();
    return true;
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    this.socket?.uncork();
  }

  sendJson(message: unknown): boolean {
    return this.send(encodeFrame(message));
  }

  /**
   * The client fell behind: it gets resync_required and a close, queued behind what it has not
   * read yet; if it has not drained them within the grace period the socket is destroyed.
   */
  private cutOffSlowConsumer(): void {
    this.cutOff = true;
    const notice = { type: "resync_required", reason: "slow_consumer", queuedBytes: this.ws.bufferedAmount };
    this.ws.send(JSON.stringify(notice));
    this.ws.close(resyncCloseCode, "resync_required");
    setTimeout(() => this.ws.terminate(), this.limits.cutoffGraceMs).unref();
    this.onCutOff(this);
  }
}
