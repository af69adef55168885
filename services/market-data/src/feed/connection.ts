// One WebSocket client of the feed: what it subscribed to, which book snapshots it holds, and a
// bounded send queue. Sending never waits: a message that would take the socket's queue
// (ws.bufferedAmount) past the limit cuts the client off instead, so a slow reader can never
// slow the fan-out to everyone else.
import { WebSocket } from "ws";

export interface ConnectionLimits {
  readonly sendQueueBytesMax: number;
  readonly cutoffGraceMs: number;
}

/** Close code sent with resync_required (4000-4999 are for applications). */
export const resyncCloseCode = 4001;

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

  constructor(
    readonly ws: WebSocket,
    private readonly limits: ConnectionLimits,
    private readonly onCutOff: (connection: FeedConnection) => void,
  ) {}

  subscriptionCount(): number {
    let n = 0;
    for (const patterns of this.subscriptions.values()) n += patterns.size;
    return n;
  }

  /** Sends a pre-serialised message (text frame); false if the client is gone or was cut off. */
  send(frame: Buffer): boolean {
    if (this.cutOff || this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.ws.bufferedAmount + frame.length > this.limits.sendQueueBytesMax) {
      this.cutOffSlowConsumer();
      return false;
    }
    this.ws.send(frame, { binary: false });
    this.sent++;
    return true;
  }

  sendJson(message: unknown): boolean {
    return this.send(Buffer.from(JSON.stringify(message)));
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
