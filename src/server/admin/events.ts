// `GET /api/events`: the live change feed as server-sent events (`conversation`, `agents`, `flows`), whether the store
// refuses every call (`store`), which channels are down (`channels`) and the replies waiting for theirs (`waiting`), each at once and then at each change, with a
// heartbeat comment so proxies keep the stream open and a dead client is noticed.
import type { Request, Router } from 'express';
import type { LiveChange } from '../../bot/live.ts';
import type { AdminContext, KnownRefusal } from './context.ts';
import type { StoreOutage } from '../../store/types.ts';
import type { NamedChannelStatus } from './context.ts';
import type { Watch } from './watch.ts';
import type { WaitingReplies } from '../../bot/outbox.ts';

/** What the banners follow: the store's outage, the channels that are down, and the replies waiting for theirs. */
export interface Watches {
  outages: Watch<StoreOutage>;
  channelsDown: Watch<NamedChannelStatus[]>;
  waiting: Watch<WaitingReplies[]>;
}

/** How often a quiet stream says it is alive. */
const HEARTBEAT_MS = 20_000;
/** Streams one process serves at once; past it, 503 (a dashboard left open in many tabs, or a leak). */
const MAX_STREAMS = 100;

/** Mounts the event stream on the admin router. */
export function mountEvents(router: Router, context: AdminContext, { outages, channelsDown, waiting }: Watches, options: { heartbeatMs?: number; signedIn?: (req: Request) => boolean } = {}): void {
  let streams = 0;
  router.get('/events', (req, res) => {
    if (streams >= MAX_STREAMS) return void res.status(503).json({ error: `too many event streams are open (${MAX_STREAMS}); close some dashboard tabs`, kind: 'tooManyStreams' } satisfies KnownRefusal & { error: string });
    streams += 1;
    res.status(200).set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    res.write(': connected\n\n');
    // `delivery` is the agent consoles' (their "Not sent yet", their marks): the banner hears of a reply's wait by `waiting`,
    // looked at again on such a notice (`Watch.changed`).
    const send = (change: LiveChange) => change.type !== 'delivery' && res.write(`event: ${change.type}\ndata: ${JSON.stringify(change.data)}\n\n`);
    const off = context.feed.subscribe(send);
    // `{}` once the store accepts calls again: the banner goes.
    const offOutage = outages.subscribe((outage) => res.write(`event: store\ndata: ${JSON.stringify(outage ? { outage } : {})}\n\n`));
    // `{ down: [] }` once every channel is up again: that banner goes.
    const offChannels = channelsDown.subscribe((down) => res.write(`event: channels\ndata: ${JSON.stringify({ down: down ?? [] })}\n\n`));
    // `{ waiting: [] }` once every reply went (or failed): that banner goes.
    const offWaiting = waiting.subscribe((replies) => res.write(`event: waiting\ndata: ${JSON.stringify({ waiting: replies ?? [] })}\n\n`));
    // A sign-in that ended since the stream opened (signed out in another tab, its 12 hours over, a new token) ends
    // it: the dashboard's reconnection is then refused (401) and shows the sign-in form, not changes it may no longer see.
    const heartbeat = setInterval(() => {
      if (options.signedIn && !options.signedIn(req)) return void res.end();
      res.write(': heartbeat\n\n');
    }, options.heartbeatMs ?? HEARTBEAT_MS);
    heartbeat.unref();
    let ended = false;
    const closed = () => {
      if (ended) return;
      ended = true;
      off();
      offOutage();
      offChannels();
      offWaiting();
      clearInterval(heartbeat);
      streams -= 1;
    };
    req.once('close', closed);
    res.once('close', closed);
  });
}
