// What a power cut keeps of what a piece of code wrote, read from the file system calls it made: tests mock
// node:fs/promises with `recordingFs` and ask `survivors` what a cut right after those calls would leave.
//
//     vi.mock('node:fs/promises', async (importOriginal) => (await import('../power-cut.ts')).recordingFs(await importOriginal()));
import type * as fs from 'node:fs/promises';

/** The calls made since the last `forget()`, in order: a handle's sync names the path it was opened on. */
export const calls: { call: 'open' | 'mkdir' | 'sync' | 'rename'; path: string; to?: string }[] = [];

export function forget(): void {
  calls.length = 0;
}

/** node:fs/promises whose `open` (and its handles' `sync`), `mkdir` (a folder made) and `rename` are recorded in `calls`. */
export function recordingFs(real: typeof fs): typeof fs {
  const open = async (...args: Parameters<typeof real.open>) => {
    const handle = await real.open(...args);
    const path = String(args[0]);
    calls.push({ call: 'open', path });
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      calls.push({ call: 'sync', path });
      return sync();
    };
    return handle;
  };
  const rename = async (from: Parameters<typeof real.rename>[0], to: Parameters<typeof real.rename>[1]) => {
    calls.push({ call: 'rename', path: String(from), to: String(to) });
    return real.rename(from, to);
  };
  const mkdir = async (...args: Parameters<typeof real.mkdir>) => {
    const made = await real.mkdir(...args);
    if (made !== undefined || !(args[1] as { recursive?: boolean } | undefined)?.recursive) calls.push({ call: 'mkdir', path: String(args[0]) });
    return made;
  };
  return { ...real, open, mkdir, rename, default: { ...real, open, mkdir, rename } } as typeof fs;
}

/**
 * What survives a power cut after the calls made: a file's content once synced after it was written; a name in
 * `directory` (a new file, a rename's result) once the directory was synced after it was made.
 */
export function survivors(directory: string): { names: Set<string>; contents: Set<string> } {
  const names = new Set<string>();
  const contents = new Set<string>();
  const pendingNames = new Set<string>();
  for (const entry of calls) {
    if ((entry.call === 'open' || entry.call === 'mkdir') && entry.path !== directory) pendingNames.add(entry.path);
    if (entry.call === 'rename') {
      pendingNames.delete(entry.path);
      pendingNames.add(entry.to as string);
      if (contents.has(entry.path)) contents.add(entry.to as string);
    }
    if (entry.call === 'sync' && entry.path === directory) {
      for (const name of pendingNames) names.add(name);
      pendingNames.clear();
    } else if (entry.call === 'sync') contents.add(entry.path);
  }
  return { names, contents };
}
