// A hot standby: the same core, fed by the primary's journal instead of by clients. It replays
// every journal record as it appears (deterministic core → identical state), never appends while
// following, and on promotion finishes the tail, writes the events records the primary did not
// get to, and becomes a runtime whose first append fences the old primary out.
import type { CoreState } from "@ghx/core";
import type { EventStore } from "@ghx/eventstore";
import type { EventsRecord } from "./records.ts";
import { appendMissingEvents, eventsHead, journalRecords, loadSnapshot, replayRecord } from "./replay.ts";
import { CoreRuntime, type RuntimeOptions } from "./runtime.ts";
import type { SnapshotDirectory } from "./snapshots.ts";

/** Events records kept for promotion: far more than a primary can be behind on its events. */
const tailRecordsMax = 1_024;
const pollMsDefault = 20;

export class CoreStandby {
  /** The events records of the newest journal records, oldest first. */
  private readonly tail: EventsRecord[] = [];
  private following: Promise<void> = Promise.resolve();
  private stopped = false;
  private failure: unknown;

  private constructor(
    private readonly store: EventStore,
    readonly state: CoreState,
    private journalRevision: number,
    private readonly pollMs: number,
  ) {}

  static async start(
    store: EventStore,
    snapshots?: SnapshotDirectory,
    pollMs = pollMsDefault,
  ): Promise<CoreStandby> {
    const { state, journalRevision } = await loadSnapshot(snapshots);
    const standby = new CoreStandby(store, state, journalRevision, pollMs);
    await standby.catchUp();
    // One reader at a time: following starts only once the initial catch-up is done.
    standby.following = standby.follow();
    return standby;
  }

  /** Revision of the last journal record applied. */
  get position(): number {
    return this.journalRevision;
  }

  private async catchUp(): Promise<void> {
    for await (const { revision, record } of journalRecords(this.store, this.journalRevision)) {
      this.tail.push(replayRecord(this.state, record));
      if (this.tail.length > tailRecordsMax) this.tail.shift();
      this.journalRevision = revision;
    }
  }

  private async follow(): Promise<void> {
    while (!this.stopped) {
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
      if (this.stopped) return;
      try {
        await this.catchUp();
      } catch (error) {
        // Kept for promote(): a standby that cannot read the journal must not take over.
        this.failure = error;
        this.stopped = true;
      }
    }
  }

  /** Stops following and returns a runtime that appends after the last journal record. */
  async promote(options: Omit<RuntimeOptions, "store">): Promise<CoreRuntime> {
    this.stopped = true;
    await this.following;
    if (this.failure) throw this.failure;
    await this.catchUp();
    let head = await eventsHead(this.store);
    const oldest = this.tail[0];
    if (oldest && oldest.first > head.completeThrough + 1) {
      throw new Error(
        `events after seq ${head.completeThrough} are missing and no longer in the standby's tail`,
      );
    }
    for (const events of this.tail) head = await appendMissingEvents(this.store, head, events);
    const recovered = {
      state: this.state,
      journalRevision: this.journalRevision,
      eventsRevision: head.revision,
      replayedCommands: 0,
    };
    return new CoreRuntime(recovered, { ...options, store: this.store });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.following;
  }
}
