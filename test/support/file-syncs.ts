import { FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';

export type FileHandleMethod = 'writev' | 'datasync' | 'sync';

/**
 * Records, in order, every call to the given FileHandle methods (on any handle) until `restore`.
 * `after` runs once a recorded call has finished, on the handle it was made on.
 */
export async function recordFileHandleCalls(
  scratchFolder: string,
  methods: FileHandleMethod[],
  after?: (method: FileHandleMethod, handle: FileHandle) => Promise<void>,
): Promise<{ calls: string[]; restore(): void }> {
  // FileHandle is not exported; its prototype is reached through a handle.
  const probe = await open(join(scratchFolder, 'file-handle-probe'), 'w');
  const prototype = Object.getPrototypeOf(probe) as Record<FileHandleMethod, (...args: unknown[]) => Promise<unknown>>;
  await probe.close();
  const calls: string[] = [];
  const spies = methods.map((method) => {
    const original = prototype[method];
    return jest.spyOn(prototype, method).mockImplementation(async function (this: FileHandle, ...args: unknown[]) {
      calls.push(method);
      const result = await original.apply(this, args);
      await after?.(method, this);
      return result;
    });
  });
  return { calls, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}
