import { type FileHandle, open, rename } from "node:fs/promises";
import { dirname } from "node:path";

/** fsync a directory, making file creations and renames in it durable. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Opens `path` with `flags`, runs `change` on it, fsyncs it and closes it (also on failure). */
export async function changeFileSynced(
  path: string,
  flags: string,
  change: (handle: FileHandle) => Promise<unknown>,
): Promise<void> {
  const handle = await open(path, flags);
  try {
    await change(handle);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with `data` so that a crash leaves the old file or the new one, never a mix:
 * written to a temporary file, synced, renamed over, directory synced.
 */
export async function writeFileDurably(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await changeFileSynced(temporary, "w", (handle) => handle.writeFile(data));
  await rename(temporary, path);
  await syncDirectory(dirname(path));
}
