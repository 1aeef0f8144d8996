// Each channel's bookmark in the store (ChannelHost's `mark`): how far it has read what came in, so a restart knows
// where to read again from. One small document a channel; it names no person.
import type { ChannelMark } from '../types.ts';
import type { Store } from '../store/types.ts';

/** The store's collection of the channels' marks, by channel name. */
export const CHANNEL_MARKS = 'channel-marks';

interface Mark {
  value: string;
}

/**
 * The host's `mark` for `channel`, on `store`.
 *
 *     const mark = channelMark(store, 'whatsapp-web');
 *     await mark.write('2026-12-07T08:00:00.000Z');
 */
export function channelMark(store: Store, channel: string): ChannelMark {
  return {
    async read() {
      return (await store.doc<Mark>(CHANNEL_MARKS, channel))?.value;
    },
    write(value) {
      return store.transaction(`${CHANNEL_MARKS}:${channel}`, async (tx) => tx.putDoc(CHANNEL_MARKS, channel, { value } satisfies Mark));
    },
  };
}
