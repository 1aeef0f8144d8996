// Flow versions: a version is a short hash of the script's text, and every published version is kept on
// disk so a conversation can finish on the version it started with, also after a restart.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FLOW_NAME } from './schema.ts';

const VERSION = /^[0-9a-f]{12}$/;

/**
 * The version of a script: the first 12 hex digits of the sha256 of its text.
 *
 *     versionOf('flow: inbound\n…'); // e.g. '3f9a0c1b2d4e'
 */
export function versionOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/**
 * Keeps a version's text as `<flow>@<version>.yaml`, written atomically (temp file, then rename), so a
 * crash never leaves half a version behind. Does nothing when it is already there.
 *
 *     await storeVersion('data/flow-versions', 'inbound', version, text);
 */
export async function storeVersion(dir: string, flow: string, version: string, text: string): Promise<void> {
  const file = versionFile(dir, flow, version);
  if (!file || existsSync(file)) return;
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, text, 'utf8');
  await rename(temp, file);
}

/**
 * The stored text of a version, or undefined when it was never stored (or the names are not plain).
 *
 *     const text = readVersion('data/flow-versions', 'inbound', '3f9a0c1b2d4e');
 */
export function readVersion(dir: string, flow: string, version: string): string | undefined {
  const file = versionFile(dir, flow, version);
  if (!file || !existsSync(file)) return undefined;
  return readFileSync(file, 'utf8');
}

// Names come from conversations in the store; checking them keeps a path from ever leaving `dir`.
function versionFile(dir: string, flow: string, version: string): string | undefined {
  if (!FLOW_NAME.test(flow) || !VERSION.test(version)) return undefined;
  return join(dir, `${flow}@${version}.yaml`);
}
