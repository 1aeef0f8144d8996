// Switchboard as a process of its own, as it runs in production, for the tests that kill it with SIGKILL, run two of
// them on one database, or pull the database from under it. It runs src/ as JavaScript made by esbuild, the compiler
// tsx itself uses (`npm start`), kept between runs while src/ is byte for byte the same: `node --import tsx` took
// twice the CPU to start (about 3.3 s against 1.7 on a loaded CI machine), mostly its loader compiling and resolving
// each module again, and these tests start a server a hundred times and more.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * The servers started and not exited yet. A test that fails (a timeout, a throw before its own kill) leaves its
 * server running: in the lane whose files share one process it would run on beside every later file, and past the
 * test run itself. `stopLeftoverServers` (after each file of that lane) and this process's exit kill them.
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Kills (SIGKILL) every server this process started that is still running, and waits for each to exit. */
export async function stopLeftoverServers(): Promise<void> {
  await Promise.all([...running].map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  })));
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
  /** What it printed (JSON log lines and stderr). */
  output(): string;
}

/**
 * Starts a server on a free port with `env` on top of this process's environment; resolves with its URL once it
 * listens, rejects with what it printed if it exits first.
 *
 *     const server = await spawnServer({ DATA_DIR: dir, TELEGRAM_BOT_TOKEN: '123:test' });
 */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [await builtServer()], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', DOTENV_CONFIG_QUIET: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.on('exit', () => {
    running.delete(child);
    resolve();
  }));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /"url":"(http:[^"]+)"[^\n]*Switchboard is listening|Switchboard is listening[^\n]*"url":"(http:[^"]+)"/.exec(output);
      if (listening) resolve((listening[1] ?? listening[2]) as string);
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => reject(new Error(`the server exited before listening:\n${output}`)));
  });
  return { child, url, exited, output: () => output };
}

/** Where this checkout's builds of src/ are kept between runs, each in a folder named after src/'s contents. */
const BUILDS = join(tmpdir(), `switchboard-test-servers-${createHash('sha256').update(repoRoot).digest('hex').slice(0, 16)}`);

let built: Promise<string> | undefined;

/**
 * The path of src/server/main.ts compiled to JavaScript, in a folder laid out as the repository is (dist/ beside
 * data/, node_modules/ and package.json, each a link to this checkout's), so that every path src/ finds from its own
 * place (`../../data`, the NLP threads' `.js` files, src/admin-ui for the dashboard) is found the same. Each file is
 * compiled on its own, as tsx does, its imports of `./x.ts` rewritten to `./x.js` as `npm run build` does; the other
 * files of src/ (the web chat's pages) are copied. Made once per src/ contents: another test process may make the same
 * folder at the same time, and the first one to finish is kept.
 *
 *     spawn(process.execPath, [await builtServer()], { cwd: repoRoot, … });
 */
export function builtServer(): Promise<string> {
  built ??= (async () => {
    const src = join(repoRoot, 'src');
    const files = (await readdir(src, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name)).sort();
    const hash = createHash('sha256');
    for (const file of files) hash.update(file).update('\0').update(await readFile(file)).update('\0');
    const folder = join(BUILDS, hash.digest('hex').slice(0, 32));
    const main = join(folder, 'dist', 'server', 'main.js');
    if (await readFile(main).then(() => true, () => false)) return main;
    // Builds of earlier sources, left an hour ago or more (a run of other sources may still be using a newer one).
    for (const entry of await readdir(BUILDS).catch(() => [])) {
      const old = join(BUILDS, entry);
      if (Date.now() - (await stat(old).then((info) => info.mtimeMs, () => Date.now())) > 3_600_000) await rm(old, { recursive: true, force: true });
    }
    const part = `${folder}.${process.pid}.part`;
    await rm(part, { recursive: true, force: true });
    const { build } = await import('esbuild');
    const compiled = files.filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts') && !file.startsWith(join(src, 'admin-ui')));
    const output = await build({ entryPoints: compiled, outdir: join(part, 'dist'), outbase: src, format: 'esm', platform: 'node', target: 'node20', write: false, logLevel: 'silent' });
    await cp(src, join(part, 'dist'), { recursive: true, filter: (file) => !/\.tsx?$/.test(file) && file !== join(src, 'admin-ui') });
    for (const file of output.outputFiles) {
      await mkdir(dirname(file.path), { recursive: true });
      // `from './x.ts'`, `import('./x.ts')`: relative imports only; a package's name never ends so.
      await writeFile(file.path, file.text.replace(/((?:\bfrom|\bimport)\s*\(?\s*)(["'])(\.\.?\/[^"'\n]*?)\.tsx?\2/g, '$1$2$3.js$2'));
    }
    await symlink(join(src, 'admin-ui'), join(part, 'dist', 'admin-ui'));
    for (const name of ['data', 'node_modules', 'package.json']) await symlink(join(repoRoot, name), join(part, name));
    await mkdir(BUILDS, { recursive: true });
    await rename(part, folder).catch(() => rm(part, { recursive: true, force: true }));
    return main;
  })();
  built.catch(() => (built = undefined));
  return built;
}
