// Snapshots on local disk: the full core state with its journal position and state hash. They
// only bound recovery time; the journal stays the truth, so a lost snapshot costs a longer replay.
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { CoreSnapshot } from "@ghx/core";
import { snapshotsKeptMax } from "./limits.ts";

export interface SnapshotHeader {
  /** Revision of the last journal record the state includes. */
  readonly journalRevision: number;
  readonly seq: number;
  readonly hash: string;
}

export interface StoredSnapshot extends SnapshotHeader {
  readonly state: CoreSnapshot;
}

const fileName = (seq: number) => `core-${String(seq).padStart(16, "0")}.json`;
const pattern = /^core-\d{16}\.json$/;

export class SnapshotDirectory {
  constructor(readonly directory: string) {}

  private async names(): Promise<string[]> {
    await mkdir(this.directory, { recursive: true });
    return (await readdir(this.directory)).filter((name) => pattern.test(name)).sort();
  }

  async latest(): Promise<StoredSnapshot | undefined> {
    const name = (await this.names()).at(-1);
    if (name === undefined) return undefined;
    return JSON.parse(await readFile(join(this.directory, name), "utf8")) as StoredSnapshot;
  }

  /** Writes atomically (temp file, fsync, rename, directory fsync) and prunes old snapshots. */
  async write(header: SnapshotHeader, stateJson: string): Promise<void> {
    const names = await this.names();
    const path = join(this.directory, fileName(header.seq));
    const temp = `${path}.tmp`;
    const file = await open(temp, "w");
    try {
      await file.writeFile(`${JSON.stringify(header).slice(0, -1)},"state":${stateJson}}`);
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
    const dir = await open(this.directory, "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    const stale = [...names, fileName(header.seq)].sort().slice(0, -snapshotsKeptMax);
    await Promise.all(stale.map((name) => rm(join(this.directory, name), { force: true })));
  }
}
