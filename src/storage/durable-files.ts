import { open } from 'node:fs/promises';
import { dirname } from 'node:path';

// A file's bytes can be synced and still be lost in a power cut if the name that leads to it is
// not: a new name is on disk only once the folder holding it has been synced.

/** Syncs `folder` (the names in it) and, up to `firstCreated`, each new folder's name in its parent. */
export async function syncCreatedNames(folder: string, firstCreated: string | undefined): Promise<void> {
  await syncFolder(folder);
  if (firstCreated === undefined) return;
  for (let created = folder; dirname(created) !== created; created = dirname(created)) {
    await syncFolder(dirname(created));
    if (created === firstCreated) return;
  }
}

export async function syncFolder(path: string): Promise<void> {
  const folder = await open(path, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
