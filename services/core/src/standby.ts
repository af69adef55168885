// A hot standby: the same core, fed by the primary's journal instead of by clients. It replays
// every journal record as it appears (deterministic core → identical state), never appends while
// following, and on promotion finishes the tail, writes the events records the primary did not
// get to, and becomes a runtime whose first append fences the old primary out.
import type { CoreState } from "@ghx/core";
import type { EventStore } from "@ghx/eventstore";
import { eventsStream } from "./limits.ts";
import type { EventsRecord } from "./records.ts";
import { appendEventsRecord, lastRevision, loadSnapshot, replayAfter } from "./replay.ts";
import { CoreRuntime, type RuntimeOptions } from "./runtime.ts";
import type { SnapshotDirectory } from "./snapshots.ts";

/** Events records kept for promotion: far more than a primary can be behind on its events. */
const tailRecordsMax = 1_024;
const pollMsDefault = 20;

export class CoreStandby {
  private readonly tail = new Map<number, EventsRecord>();
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
    this.journalRevision = await replayAfter(
      this.store,
      this.state,
      this.journalRevision,
      (revision, events) => {
        this.tail.set(revision, events);
        if (this.tail.size > tailRecordsMax) this.tail.delete(this.tail.keys().next().value!);
      },
    );
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
    let eventsRevision = await lastRevision(this.store, eventsStream);
    for (let revision = eventsRevision + 1; revision <= this.journalRevision; revision++) {
      const events = this.tail.get(revision);
      if (!events)
        throw new Error(`events record ${revision} is missing and no longer in the standby's tail`);
      await appendEventsRecord(this.store, revision, events);
      eventsRevision = revision;
    }
    const recovered = {
      state: this.state,
      journalRevision: this.journalRevision,
      eventsRevision,
      replayedCommands: 0,
    };
    return new CoreRuntime(recovered, { ...options, store: this.store });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.following;
  }
}
