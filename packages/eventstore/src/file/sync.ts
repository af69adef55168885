import { open } from "node:fs/promises";

/** fsync a directory, making file creations and renames in it durable. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
