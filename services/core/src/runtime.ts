// The core runtime, LMAX-style: a sequencer stamps each command (sequence number, time), the core
// applies it at once in memory, and the caller is answered only when the command's journal
// record is durable. Commands arriving while one journal append is in flight form the next
// group commit: one EventStore event per batch, many commands in it. After the journal record
// is durable, the batch's events go to `core-events` with an expected revision, which fences
// out a second core writing after a failover (its append fails, it stops).
import { randomUUID } from "node:crypto";
import {
  type Applied,
  applyCommand,
  type CoreState,
  checkInvariants,
  nextLiveExpiry,
  type Outcome,
} from "@ghx/core";
import { type CoreCommand, type CoreEvent, coreCommandSchema } from "@ghx/domain";
import { EncodedJson, type EventStore } from "@ghx/eventstore";
import { ExpiryScheduler } from "./expiry.ts";
import { CommandPacker } from "./journal-codec.ts";
import {
  batchCommandsMax,
  eventsStream,
  expiryRetryMs,
  journalStream,
  pendingCommandsMax,
  pendingWaitMaxMsDefault,
  relievingCommandsReplicaReserve,
  relievingCommandsReserve,
  snapshotReplicaLagMax,
} from "./limits.ts";
import {
  type EventsRecord,
  encodeEvent,
  encodeEventsRecord,
  eventsRecordType,
  journalRecord,
  journalRecordType,
  recordEnvelopeBytes,
} from "./records.ts";
import { appendBudget, type Recovered } from "./replay.ts";
import type { SnapshotDirectory } from "./snapshots.ts";
import { Snapshotter } from "./snapshotter.ts";

export interface SubmitResult {
  readonly outcome: Outcome;
  readonly events: CoreEvent[];
  /** The command id was seen before: this is the first outcome, and nothing happened again. */
  readonly duplicate: boolean;
}

/** How far the core's queues are filled: for /metrics and /readyz. */
export interface CoreStatus {
  /** Sequence number of the last command applied. */
  readonly lastSeq: number;
  /** Commands applied and not yet journaled (pushed back on at pendingCommandsMax). */
  readonly pendingCommands: number;
  /** How long the oldest of them has waited, in ms (new commands are refused past pendingWaitMaxMs). */
  readonly pendingWaitMs: number;
  /** Journal records the snapshot replica has yet to apply, and their JSON in characters. */
  readonly snapshotReplicaLagRecords: number;
  readonly snapshotReplicaLagBytes: number;
  /** Sequence number of the newest snapshot (0: none): a recovery now replays lastSeq minus it. */
  readonly lastSnapshotSeq: number;
}

export interface RuntimeOptions {
  readonly store: EventStore;
  /** Where the snapshot worker writes (no snapshots without it); see snapshotter.ts. */
  readonly snapshots?: SnapshotDirectory;
  readonly snapshotEveryCommands: number;
  readonly snapshotEveryMs: number;
  /** Refuse new commands while the oldest unjournaled one has waited this long (default pendingWaitMaxMsDefault). */
  readonly pendingWaitMaxMs?: number;
  /** Push back on commands while the snapshot replica is this far behind (default snapshotReplicaLagMax). */
  readonly snapshotReplicaLagMax?: number;
  /**
   * Run the invariant checks after this many commands (0 = after every batch). With snapshots
   * the replica runs them, off this thread (they take milliseconds on a large state); without,
   * this thread does, before the batch is journaled.
   */
  readonly invariantCheckEveryCommands: number;
  /** Wall clock for the sequencer; the core itself never reads one. */
  readonly clock?: () => number;
  /** Told once when the runtime stops for good (journal failure, fenced, invariant broken). */
  readonly onFailure?: (error: Error) => void;
}

interface Batch {
  readonly first: number;
  readonly ts: number[];
  readonly commands: CoreCommand[];
  readonly events: CoreEvent[][];
  readonly results: SubmitResult[];
  readonly resolvers: ((result: SubmitResult) => void)[];
  readonly rejecters: ((error: Error) => void)[];
}

/**
 * Commands that take risk off or control the market: admitted into a reserve above the queue
 * limits, so that an overloaded core still takes the commands that relieve it.
 */
const relievingCommands: ReadonlySet<CoreCommand["type"]> = new Set([
  "CancelOrder",
  "MassCancel",
  "KillSwitch",
  "SetTradingState",
  "RevokeApiKey",
  "ExpireOrders",
]);

/**
 * Refused for now: nothing was applied. `code` travels with it over the bus (BusRemoteError).
 * Without a stack trace: capturing one cost ~14 µs against ~2 µs without, more than applying a
 * command, and an overloaded core refuses most of what it is sent.
 */
export class CoreOverloaded extends Error {
  override readonly name = "CoreOverloaded";
  readonly code = "CORE_OVERLOADED";
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

export class CoreStopped extends Error {
  override readonly name = "CoreStopped";
}

type Listener = (record: EventsRecord) => void;

export class CoreRuntime {
  readonly state: CoreState;
  private journalRevision: number;
  private eventsRevision: number;
  private open: Batch;
  /** Full batches waiting for the append in flight (the open one keeps filling meanwhile). */
  private readonly sealed: Batch[] = [];
  private pending = 0;
  private inFlight: Promise<void> | undefined;
  /** The commands whose journal append is in flight (a batch, or the part of one being written). */
  private committing: Batch | undefined;
  private eventsChain: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closing = false;
  private sinceInvariantCheck = 0;
  private readonly listeners = new Set<Listener>();
  private readonly clock: () => number;
  private readonly expiry: ExpiryScheduler;
  /** The replica that writes snapshots, off this thread. */
  readonly snapshotter: Snapshotter | undefined;
  private lastSnapshotSeq: number;
  /**
   * Names this writer in commit ids. The store dedupes appends by commit id, so two cores
   * writing the same sequence numbers must never share one: the old primary's append would
   * be "deduplicated" into the new primary's and look journaled when it is not.
   */
  private readonly writerId = randomUUID();
  private readonly packer = new CommandPacker();

  constructor(
    recovered: Recovered,
    private readonly options: RuntimeOptions,
  ) {
    this.state = recovered.state;
    this.journalRevision = recovered.journalRevision;
    this.eventsRevision = recovered.eventsRevision;
    this.clock = options.clock ?? Date.now;
    this.open = this.newBatch();
    this.expiry = new ExpiryScheduler(this.clock, () => this.expireDueOrders());
    this.expiry.arm(nextLiveExpiry(this.state));
    const { snapshots } = options;
    this.snapshotter =
      snapshots &&
      new Snapshotter(
        this.state,
        this.journalRevision,
        {
          directory: snapshots.directory,
          everyCommands: options.snapshotEveryCommands,
          everyMs: options.snapshotEveryMs,
          invariantCheckEveryCommands: options.invariantCheckEveryCommands,
        },
        (error) => this.fail(error),
      );
    // The snapshot recovery started from, if any: recovery replayed the commands after it.
    this.lastSnapshotSeq = recovered.state.lastSeq - recovered.replayedCommands;
    this.snapshotter?.onWritten((seq) => {
      this.lastSnapshotSeq = seq;
    });
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /** Validated submission (commands from outside the process). */
  submit(input: unknown): Promise<SubmitResult> {
    const parsed = coreCommandSchema.safeParse(input);
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      return Promise.resolve({
        outcome: { status: "rejected", seq: 0, code: "INVALID_COMMAND", message },
        events: [],
        duplicate: false,
      });
    }
    return this.submitValid(parsed.data);
  }

  /** For callers that already validated with coreCommandSchema (the gateway, the bench). */
  submitValid(command: CoreCommand): Promise<SubmitResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new CoreStopped("the core is closing"));
    const overloaded = this.overloaded(command);
    if (overloaded) return Promise.reject(new CoreOverloaded(overloaded));
    if (this.open.commands.length >= batchCommandsMax) {
      this.sealed.push(this.open);
      this.open = this.newBatch();
    }
    const seq = this.state.lastSeq + 1;
    const ts = this.now();
    let applied: Applied;
    try {
      applied = applyCommand(this.state, { seq, ts, command });
    } catch (error) {
      this.fail(error);
      return Promise.reject(this.failure);
    }
    const batch = this.open;
    batch.ts.push(ts);
    batch.commands.push(command);
    batch.events.push(applied.events);
    batch.results.push(applied);
    this.pending++;
    if (
      command.type === "PlaceOrder" &&
      command.expiry !== undefined &&
      applied.outcome.status === "accepted"
    )
      this.expiry.arm(command.expiry);
    const promise = new Promise<SubmitResult>((resolve, reject) => {
      batch.resolvers.push(resolve);
      batch.rejecters.push(reject);
    });
    // Let every command submitted in this tick join the batch before it is cut.
    if (batch.commands.length === 1) queueMicrotask(() => this.flush());
    return promise;
  }

  status(): CoreStatus {
    return {
      lastSeq: this.state.lastSeq,
      pendingCommands: this.pending,
      pendingWaitMs: this.pendingWaitMs(),
      snapshotReplicaLagRecords: this.snapshotter?.lagRecords ?? 0,
      snapshotReplicaLagBytes: this.snapshotter?.lagBytes ?? 0,
      lastSnapshotSeq: this.lastSnapshotSeq,
    };
  }

  /**
   * Why the core refuses `command` for now, if it does. Two queues are bounded: commands applied
   * and not yet journaled, by count and by how long the oldest has waited (pendingWaitMaxMsDefault
   * says why), and the records waiting in memory for the snapshot replica (a core that outran its
   * replica for long would otherwise grow without end; pushing back slows it to the replica's
   * pace). Relieving commands get a reserve above both counts and no limit on waiting.
   */
  private overloaded(command: CoreCommand): string | undefined {
    const relieving = relievingCommands.has(command.type);
    if (this.pending >= pendingCommandsMax + (relieving ? relievingCommandsReserve : 0))
      return "journal queue full";
    const waitMax = this.options.pendingWaitMaxMs ?? pendingWaitMaxMsDefault;
    if (!relieving && this.pendingWaitMs() > waitMax)
      return `commands wait longer than ${waitMax} ms for the journal`;
    const lagMax =
      (this.options.snapshotReplicaLagMax ?? snapshotReplicaLagMax) +
      (relieving ? relievingCommandsReplicaReserve : 0);
    if ((this.snapshotter?.lagBytes ?? 0) > lagMax) return "the snapshot replica is too far behind";
    return undefined;
  }

  /** How long the oldest command not yet journaled has waited (0: none waits). */
  private pendingWaitMs(): number {
    if (this.pending === 0) return 0;
    const oldest = this.committing ?? this.sealed[0] ?? this.open;
    const since = oldest.ts[0];
    return since === undefined ? 0 : Math.max(0, this.clock() - since);
  }

  /** The earliest GTD expiry came due: expire what is due in every book, then wait for the next. */
  private expireDueOrders(): void {
    if (this.failure || this.closing) return;
    // The order that armed the wake-up may be gone (cancelled, filled): then there is nothing to do.
    const due = nextLiveExpiry(this.state);
    if (due === undefined || due > this.now()) {
      this.expiry.arm(due);
      return;
    }
    const command: CoreCommand = { type: "ExpireOrders", commandId: `expire-${this.state.lastSeq + 1}` };
    this.submitValid(command).catch((error: unknown) => {
      // Overloaded: the commands queued meanwhile expire what their books hold; try again soon.
      if (error instanceof CoreOverloaded) this.expiry.arm(this.clock() + expiryRetryMs);
    });
    this.expiry.arm(nextLiveExpiry(this.state));
  }

  /** The sequencer's time: the wall clock, never behind the last command's. */
  private now(): number {
    return Math.max(this.state.lastTs, this.clock());
  }

  /** Called with every events record once it is in `core-events` (embedded consumers). */
  onEvents(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private newBatch(): Batch {
    return {
      first: this.state.lastSeq + 1,
      ts: [],
      commands: [],
      events: [],
      results: [],
      resolvers: [],
      rejecters: [],
    };
  }

  private flush(): void {
    if (this.inFlight || this.failure) return;
    let batch = this.sealed.shift();
    if (!batch) {
      if (this.open.commands.length === 0) return;
      batch = this.open;
      this.open = this.newBatch();
    }
    let parts: Part[];
    try {
      parts = this.partsThatFit(batch);
      this.checkInvariantsIfDue(batch.commands.length);
    } catch (error) {
      // A broken invariant (or a record that cannot be cut): nothing of this batch is journaled,
      // so none of it may be acknowledged, and the core stops.
      for (const reject of batch.rejecters) reject(error as Error);
      this.fail(error);
      return;
    }
    this.inFlight = this.commitParts(parts).then(
      () => {
        this.inFlight = undefined;
        this.flush();
      },
      (error: unknown) => {
        this.inFlight = undefined;
        this.fail(error);
      },
    );
  }

  /** One group commit per part, in order. */
  private async commitParts(parts: Part[]): Promise<void> {
    for (let i = 0; i < parts.length; i++) {
      try {
        await this.commit(parts[i]!);
      } catch (error) {
        // The parts not written yet are nowhere else to be rejected from.
        for (const rest of parts.slice(i + 1))
          for (const reject of rest.batch.rejecters) reject(error as Error);
        throw error;
      }
    }
  }

  /**
   * The batch as journal and events records, each encoded once, cut into parts whose two records
   * each fit one append of the store (JetStream takes the server's max_payload, 1 MiB by default).
   * Journal record k and events record k still cover the same commands. A command whose events
   * alone exceed the limit (a market closing with tens of thousands of open orders) is a part of
   * its own, and its events record is appended as consecutive parts (encodeEventsRecord).
   */
  private partsThatFit(batch: Batch): Part[] {
    const budget = appendBudget(this.options.store);
    const whole = encodePart(batch, budget, this.packer);
    if (whole) return [whole];
    const parts: Part[] = [];
    let start = 0;
    let journalBytes = recordEnvelopeBytes;
    let eventsBytes = recordEnvelopeBytes;
    for (let i = 0; i < batch.commands.length; i++) {
      // Packed alone, with its time from zero: at least what it takes in the batch's record.
      const alone = this.packer.pack([batch.ts[i]!], [batch.commands[i]!]);
      const commandBytes =
        alone.packed.length +
        (alone.others.length === 0 ? 0 : Buffer.byteLength(JSON.stringify(alone.others))) +
        4;
      // as stored (order events as tuples), not as the objects in memory
      const commandEventsBytes = Buffer.byteLength(JSON.stringify(batch.events[i]!.map(encodeEvent))) + 24;
      if (i > start && (journalBytes + commandBytes > budget || eventsBytes + commandEventsBytes > budget)) {
        parts.push(encodeCut(slicedBatch(batch, start, i), budget, this.packer));
        start = i;
        journalBytes = recordEnvelopeBytes;
        eventsBytes = recordEnvelopeBytes;
      }
      journalBytes += commandBytes;
      eventsBytes += commandEventsBytes;
    }
    parts.push(encodeCut(slicedBatch(batch, start, batch.commands.length), budget, this.packer));
    return parts;
  }

  private async commit(part: Part): Promise<void> {
    const { batch } = part;
    this.committing = batch;
    try {
      await this.options.store.append(journalStream, [{ type: journalRecordType, data: part.journal }], {
        expectedRevision: this.journalRevision < 0 ? "no_stream" : BigInt(this.journalRevision),
        commitId: `core-journal-${this.writerId}-${batch.first}`,
      });
    } catch (error) {
      for (const reject of batch.rejecters) reject(error as Error);
      throw error;
    }
    const revision = ++this.journalRevision;
    this.pending -= batch.commands.length;
    this.committing = undefined;
    for (let i = 0; i < batch.resolvers.length; i++) batch.resolvers[i]!(batch.results[i]!);
    this.eventsChain = this.eventsChain.then(() => this.publish(part, revision));
    this.eventsChain.catch((error: unknown) => this.fail(error));
  }

  private async publish(part: Part, journalRevision: number): Promise<void> {
    const { first, ts, events } = part.batch;
    for (let i = 0; i < part.events.length; i++) {
      await this.options.store.append(eventsStream, [{ type: eventsRecordType, data: part.events[i]! }], {
        expectedRevision: this.eventsRevision < 0 ? "no_stream" : BigInt(this.eventsRevision),
        commitId: `core-events-${this.writerId}-${first}${i === 0 ? "" : `-${i}`}`,
      });
      this.eventsRevision++;
    }
    if (this.listeners.size > 0) {
      const record: EventsRecord = { first, ts, events };
      for (const listener of this.listeners) listener(record);
    }
    // Only once its events are in: recovery relies on the events reaching every snapshot.
    this.snapshotter?.committed({
      revision: journalRevision,
      journal: part.journal.json,
      events: part.events.map((entry) => entry.json),
    });
  }

  private checkInvariantsIfDue(commands: number): void {
    if (this.snapshotter) return;
    this.sinceInvariantCheck += commands;
    if (this.sinceInvariantCheck < this.options.invariantCheckEveryCommands) return;
    this.sinceInvariantCheck = 0;
    checkInvariants(this.state);
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = error instanceof Error ? error : new Error(String(error));
    this.expiry.stop();
    this.snapshotter?.stop();
    this.options.onFailure?.(this.failure);
    // Whatever was applied but not journaled must never be acknowledged.
    for (const batch of [...this.sealed, this.open])
      for (const reject of batch.rejecters) reject(this.failure);
    this.sealed.length = 0;
    this.open = this.newBatch();
  }

  /** Waits for every accepted command to be journaled and published, then for a last snapshot. */
  async close(options: { snapshot?: boolean } = {}): Promise<void> {
    this.closing = true;
    this.expiry.stop();
    while (this.inFlight || ((this.sealed.length > 0 || this.open.commands.length > 0) && !this.failure)) {
      this.flush();
      await this.inFlight;
    }
    await this.eventsChain;
    if (this.failure) throw this.failure;
    await this.snapshotter?.close(options.snapshot !== false);
  }
}

/**
 * A batch with its journal record and its events record encoded (once: they are measured, then
 * appended). The events record is one entry, or the parts of a single command's events that do
 * not fit one append.
 */
interface Part {
  readonly batch: Batch;
  readonly journal: EncodedJson;
  readonly events: readonly EncodedJson[];
}

const encodeJournal = ({ first, ts, commands }: Batch, packer: CommandPacker) =>
  new EncodedJson(JSON.stringify(journalRecord(first, ts, commands, packer)));

/** The batch as one part, or undefined when its records do not fit one append each. */
function encodePart(batch: Batch, budget: number, packer: CommandPacker): Part | undefined {
  const journal = encodeJournal(batch, packer);
  if (journal.bytes > budget) return undefined;
  const { first, ts, events } = batch;
  const entries = encodeEventsRecord({ first, ts, events }, budget);
  return entries && { batch, journal, events: entries };
}

/** A cut of a batch, sized by partsThatFit's estimate, as its part. */
function encodeCut(batch: Batch, budget: number, packer: CommandPacker): Part {
  const part = encodePart(batch, budget, packer);
  if (!part) throw new Error(`commands from seq ${batch.first} do not fit one append as cut`);
  return part;
}

/** Commands [start, end) of a batch, as a batch of their own. */
function slicedBatch(batch: Batch, start: number, end: number): Batch {
  if (start === 0 && end === batch.commands.length) return batch;
  return {
    first: batch.first + start,
    ts: batch.ts.slice(start, end),
    commands: batch.commands.slice(start, end),
    events: batch.events.slice(start, end),
    results: batch.results.slice(start, end),
    resolvers: batch.resolvers.slice(start, end),
    rejecters: batch.rejecters.slice(start, end),
  };
}
