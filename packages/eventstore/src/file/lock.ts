// Single-writer lock on a store directory: a LOCK file created exclusively, holding the owner's
// pid. A lock whose pid is no longer alive (the owner crashed) is taken over. Known limits: two
// processes taking over the same stale lock at the same instant can both succeed, and a stale
// pid reused by an unrelated live process blocks the directory until LOCK is removed by hand.
import { open, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";

export class EventStoreLocked extends Error {
  override readonly name = "EventStoreLocked";
  constructor(
    readonly directory: string,
    readonly ownerPid: number,
  ) {
    super(`event store ${directory} is locked by process ${ownerPid} (another writer is running)`);
  }
}

export interface DirectoryLock {
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const handle = await open(path, "wx");
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

export async function lockDirectory(directory: string): Promise<DirectoryLock> {
  const path = join(directory, "LOCK");
  const release = { release: () => unlink(path) };
  if (await tryCreate(path)) return release;
  const owner = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
  if (Number.isInteger(owner) && isAlive(owner)) throw new EventStoreLocked(directory, owner);
  await unlink(path).catch(() => undefined);
  if (await tryCreate(path)) return release;
  throw new EventStoreLocked(directory, Number.parseInt(await readFile(path, "utf8"), 10));
}
