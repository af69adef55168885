// Snapshots are taken off the core's thread. Encoding and hashing a full state is long work (for
// 1,000 accounts with full histories, 85 MB of JSON and ~700 ms), and on the core's thread every
// command waited that long at each snapshot. Instead a worker thread keeps a replica of the core:
// it starts from the core's state and applies each journal record once the record's events are
// stored (the core is deterministic, so the replica is the same state at the same record), and it
// writes a snapshot when one is due. The core pays for passing on the record's JSON and its events
// record's JSON, which the group commit has already encoded. The replica also checks, record by
// record, that it emits exactly the events the core stored: a difference means the core is not
// deterministic (what a recovery or a standby would rebuild is not what clients were told), and
// the core stops at once instead of at the next recovery. The invariant checks run there too:
// on the bench's state they take 7-27 ms, which every command behind them waited for on the core's
// thread.
import { Worker } from "node:worker_threads";
import { type CoreState, encodeSnapshot } from "@ghx/core";

export interface SnapshotSchedule {
  /** Where the snapshots go (a SnapshotDirectory's directory). */
  readonly directory: string;
  readonly everyCommands: number;
  readonly everyMs: number;
  /** The replica checks the invariants after this many commands (0 = after every record). */
  readonly invariantCheckEveryCommands: number;
}

/** A journal record the core stored, with the events record it stored for it. */
export interface StoredRecord {
  readonly revision: number;
  readonly journal: string;
  /** The events record's JSON as appended: one entry, or the parts of one command's events. */
  readonly events: readonly string[];
}

/** What the core tells the worker, in order. */
export type SnapshotterMessage =
  | {
      readonly kind: "start";
      /** The state the replica starts from (encodeSnapshot's JSON) and its last journal record. */
      readonly state: string;
      readonly journalRevision: number;
      readonly schedule: SnapshotSchedule;
    }
  /** Consecutive journal records, oldest first. */
  | { readonly kind: "records"; readonly records: readonly StoredRecord[] }
  /** Apply what was sent, write a last snapshot if asked and anything changed, then report closed. */
  | { readonly kind: "close"; readonly snapshot: boolean };

export type SnapshotWorkerMessage =
  | { readonly kind: "written"; readonly seq: number; readonly journalRevision: number }
  /** How far the replica is (sent at most every progressEveryMs). */
  | { readonly kind: "applied"; readonly journalRevision: number }
  | { readonly kind: "closed" }
  | { readonly kind: "failed"; readonly message: string };

/**
 * A worker running a module of this package. Run from TypeScript sources (`--import tsx`, which
 * a worker's own module loading does not inherit), the worker registers tsx first; "tsx" resolves
 * from the working directory, as it did for the `--import` that started this process.
 */
function startWorker(entry: URL): Worker {
  if (!entry.pathname.endsWith(".ts")) return new Worker(entry);
  const source = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(source, { eval: true });
}

/**
 * Records are sent in groups, at most this long after they are stored: a message per record cost
 * the core a postMessage and the replica a wake-up per record, and with one order per record (REST
 * order entry) that was most of the replica's cost. Nothing waits for the replica.
 */
const sendEveryMs = 10;

/** A group of records as sent, for the lag: its last revision and the bytes handed over up to it. */
interface SentGroup {
  readonly revision: number;
  readonly handedOverBytes: number;
}

export class Snapshotter {
  private readonly worker: Worker;
  private unsent: StoredRecord[] = [];
  /** Groups sent that the replica had not applied when it last said, oldest first. */
  private readonly sentGroups: SentGroup[] = [];
  /** JSON of every record handed over, in UTF-16 code units (what the strings hold in memory). */
  private handedOverBytes = 0;
  private appliedBytes = 0;
  private sendTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private stopped = false;
  private readonly written = new Set<(seq: number) => void>();
  private sentRevision: number;
  private appliedRevision: number;

  /**
   * Starts the replica from `state` (which includes every journal record up to
   * `journalRevision`). `onFailure` hears of a replica or a write that failed.
   */
  constructor(
    state: CoreState,
    journalRevision: number,
    schedule: SnapshotSchedule,
    private readonly onFailure: (error: Error) => void,
  ) {
    this.sentRevision = journalRevision;
    this.appliedRevision = journalRevision;
    this.worker = startWorker(new URL("./snapshot-worker.ts", import.meta.url));
    // Snapshots bound recovery time; they must not keep a process alive that is otherwise done.
    this.worker.unref();
    this.worker.on("message", (message: SnapshotWorkerMessage) => {
      if (message.kind === "failed") this.fail(new Error(`snapshot worker: ${message.message}`));
      else if (message.kind === "applied") this.applied(message.journalRevision);
      else if (message.kind === "written") for (const listener of this.written) listener(message.seq);
    });
    this.worker.on("error", (error) => this.fail(error));
    this.post({ kind: "start", state: encodeSnapshot(state).json, journalRevision, schedule });
  }

  /** A journal record whose events are stored: the replica applies it. */
  committed(record: StoredRecord): void {
    this.sentRevision = record.revision;
    this.handedOverBytes += record.journal.length;
    for (const entry of record.events) this.handedOverBytes += entry.length;
    this.unsent.push(record);
    if (!this.sendTimer) {
      this.sendTimer = setTimeout(() => this.send(), sendEveryMs);
      this.sendTimer.unref();
    }
  }

  /** Journal records handed over that the replica had not applied when it last said (a bound, not exact). */
  get lagRecords(): number {
    return this.sentRevision - this.appliedRevision;
  }

  /**
   * The JSON of those records, which waits in memory for the replica (in characters; a bound,
   * counted by whole groups as sent). The runtime pushes back on new commands above its limit.
   */
  get lagBytes(): number {
    return this.handedOverBytes - this.appliedBytes;
  }

  /** Called with the seq of every snapshot written (for tests and operators' logs). */
  onWritten(listener: (seq: number) => void): () => void {
    this.written.add(listener);
    return () => this.written.delete(listener);
  }

  /** Lets the replica apply what it was sent and write a last snapshot if asked; then ends it. */
  close(snapshot: boolean): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      if (this.stopped) return resolve();
      const onMessage = (message: SnapshotWorkerMessage) => {
        if (message.kind === "closed") resolve();
        else if (message.kind === "failed") reject(new Error(`snapshot worker: ${message.message}`));
      };
      this.worker.on("message", onMessage);
      this.worker.once("error", reject);
      this.worker.once("exit", () => resolve());
      this.send();
      this.post({ kind: "close", snapshot });
    }).finally(() => this.stop());
    return this.closing;
  }

  /** Ends the replica at once (the core failed: nothing more it holds may be written). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.sendTimer);
    void this.worker.terminate();
  }

  /** Sends the records stored since the last send. */
  private send(): void {
    clearTimeout(this.sendTimer);
    this.sendTimer = undefined;
    if (this.unsent.length === 0) return;
    this.post({ kind: "records", records: this.unsent });
    this.sentGroups.push({ revision: this.sentRevision, handedOverBytes: this.handedOverBytes });
    this.unsent = [];
  }

  private applied(journalRevision: number): void {
    this.appliedRevision = journalRevision;
    while (this.sentGroups.length > 0 && this.sentGroups[0]!.revision <= journalRevision)
      this.appliedBytes = this.sentGroups.shift()!.handedOverBytes;
  }

  private post(message: SnapshotterMessage): void {
    if (!this.stopped) this.worker.postMessage(message);
  }

  private fail(error: Error): void {
    if (this.stopped) return;
    this.stop();
    this.onFailure(error);
  }
}
