// Flow versions: a version is a short hash of the script's text. Published versions live in the store; releases
// before 0.2 kept them as files, which are still read.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
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
 * The text of a version kept as a file by an older release, or undefined when there is none (or the names are
 * not plain).
 *
 *     const text = readVersion('data/store/flow-versions', 'inbound', '3f9a0c1b2d4e');
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
