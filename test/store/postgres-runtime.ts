// A runtime over a PostgreSQL store sending through one channel, as a process of a test runs it (no periodic
// check unless the test calls `runtime.sweep()`); its flows and team directory closed by the cleanup it registers.
import { join } from 'node:path';
import { EventBus } from '../../src/bot/events.ts';
import { Outbox, type OutboxOptions } from '../../src/bot/outbox.ts';
import { Runtime } from '../../src/bot/runtime.ts';
import { ADDRESS_KEYS } from '../../src/channels/index.ts';
import { FlowLibrary } from '../../src/flows/index.ts';
import { TeamDirectory } from '../../src/handover/directory.ts';
import type { Store } from '../../src/store/types.ts';
import type { Channel } from '../../src/types.ts';
import { quietLog } from '../helpers.ts';

/**
 * Starts a runtime over `store` and the DATA_DIR `dir`, sending through `channel`.
 *
 *     const { runtime, outbox } = await runtimeOn(store, channel, dir, cleanups, { recordDelaysMs: [20] });
 */
export async function runtimeOn(
  store: Store, channel: Channel, dir: string, cleanups: (() => Promise<unknown>)[], outboxOptions: Pick<OutboxOptions, 'retryDelaysMs' | 'recordDelaysMs'> = {},
): Promise<{ runtime: Runtime; outbox: Outbox }> {
  const flows = await FlowLibrary.load({ dir: join(dir, 'flows'), store, log: quietLog, watch: false });
  const directory = await TeamDirectory.load({ file: join(dir, 'team.yaml'), addressKeys: ADDRESS_KEYS, log: quietLog, watch: false });
  cleanups.push(async () => {
    flows.close();
    directory.close();
  });
  const channels = new Map([[channel.name, channel]]);
  const outbox = new Outbox({ store, channels, log: quietLog, retryDelaysMs: [5], ...outboxOptions });
  const runtime = new Runtime({ store, flows, directory, bus: new EventBus(), outbox, log: quietLog, sweepEveryMs: 0, channels });
  await runtime.start();
  return { runtime, outbox };
}
