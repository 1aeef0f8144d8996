// The banners on every page while the store refuses every call (the disk full, PostgreSQL out of reach) or a channel is
// down (Telegram's token refused, WhatsApp Web logged out) or replies wait for theirs: what is wrong, since when, what it means for customers or
// what Switchboard does about it, and what the admin can do, in the admin's language, the server's own words last;
// gone once it is back. The live stream tells it: no page asks for it.
import { useEffect, useState } from 'preact/hooks';
import { serverNow } from './api.ts';
import type { NamedChannelStatus } from '../server/admin/context.ts';
import type { StoreOutage } from '../store/types.ts';
import { channelName, inWait, t, when, type StringKey } from './i18n.ts';
import { onChannelsDown, onStoreOutage, onWaitingReplies } from './live.ts';
import type { WaitingReplies } from '../bot/outbox.ts';
import { isolate } from '../shared/text.ts';

/**
 * The banner, shown while the live stream says the store refuses every call; nothing otherwise.
 *
 *     <main><OutageBanner /><Page path={path} /></main>
 */
export function OutageBanner() {
  const [outage, setOutage] = useState<StoreOutage | undefined>();
  const [now, setNow] = useState(serverNow());
  useEffect(() => onStoreOutage(setOutage), []);
  // The countdown to the store's next try, by the second, on the server's clock (`retryAt` is the server's).
  useEffect(() => {
    if (!outage?.retryAt) return undefined;
    setNow(serverNow());
    const timer = setInterval(() => setNow(serverNow()), 1_000);
    return () => clearInterval(timer);
  }, [outage?.retryAt]);
  if (!outage) return null;
  const disk = outage.cause === 'disk';
  const left = outage.retryAt === undefined ? undefined : Math.ceil((Date.parse(outage.retryAt) - now) / 1_000);
  return (
    <section class="notice error outage" aria-labelledby="outage-title">
      <p id="outage-title" role="alert"><strong>{t(disk ? 'outageDiskTitle' : 'outageDatabaseTitle')}</strong></p>
      <p>
        {t(disk ? 'outageDiskDoing' : 'outageDatabaseDoing', { since: when(outage.since) })}
        {left === undefined ? null : <> <span class="outage-next">{left > 0 ? t('outageNextTry', { when: inWait(left) }) : t('outageTryingNow')}</span></>}
      </p>
      <p>{t(disk ? 'outageDiskFix' : 'outageDatabaseFix')}</p>
      <p class="outage-reason">{t('outageDetails')} <code dir="ltr" lang="en">{outage.reason}</code></p>
    </section>
  );
}

/** What is wrong with a channel, as the banner words it: by the channel and its state. */
type DownKind = 'TelegramToken' | 'TelegramDesk' | 'TelegramUnreachable' | 'TelegramConflict' | 'TelegramWebhook' | 'TelegramWebhookRefused' | 'WhatsappUnlinked' | 'WhatsappStarting' | 'Other';

/** Telegram's states (health.ts) as the banner words them; any other is out of reach. */
const TELEGRAM_KINDS: Record<string, DownKind> = {
  'token-refused': 'TelegramToken',
  conflict: 'TelegramConflict',
  'webhook-unregistered': 'TelegramWebhook',
  'webhook-refused': 'TelegramWebhookRefused',
  // Up, but out of a team desk's group (desks.ts): that team's part of the channel is down.
  'desk-removed': 'TelegramDesk',
};

function downKind({ channel, state }: NamedChannelStatus): DownKind {
  if (channel === 'telegram') return TELEGRAM_KINDS[state] ?? 'TelegramUnreachable';
  if (channel === 'whatsapp-web') return state === 'waiting-for-scan' || state === 'logged-out' ? 'WhatsappUnlinked' : 'WhatsappStarting';
  return 'Other';
}

/**
 * One banner per channel the live stream says is down; nothing while every channel is up.
 *
 *     <main><ChannelsBanner /><Page path={path} /></main>
 */
export function ChannelsBanner() {
  const [down, setDown] = useState<NamedChannelStatus[]>([]);
  useEffect(() => onChannelsDown(setDown), []);
  return (
    <>
      {down.map((status) => {
        const kind = downKind(status);
        const channel = channelName(status.channel);
        const title = `channel-down-${status.channel}`;
        return (
          <section class="notice error outage channel-down" data-channel={status.channel} aria-labelledby={title}>
            <p id={title} role="alert"><strong>{t(`channelDown${kind}Title` as StringKey, { channel })}</strong></p>
            <p>{t(kind === 'TelegramDesk' ? 'channelDownTelegramDeskCustomers' : 'channelDownCustomers', { channel, since: when(status.downSince) })}</p>
            <p>
              {t(`channelDown${kind}Fix` as StringKey)}
              {kind === 'WhatsappUnlinked' ? <> <a href="#/whatsapp">{t('channelDownScan')}</a></> : null}
            </p>
            {status.reason ? <p class="outage-reason">{t('outageDetails')} <code dir="ltr" lang="en">{status.reason}</code></p> : null}
          </section>
        );
      })}
    </>
  );
}

/**
 * While replies wait for their channel (its API down, a token refused, a rate limit): how many, on which channel,
 * since when and what the channel last said; nothing once none waits.
 *
 *     <main><WaitingBanner /><Page path={path} /></main>
 */
export function WaitingBanner() {
  const [waiting, setWaiting] = useState<WaitingReplies[]>([]);
  useEffect(() => onWaitingReplies(setWaiting), []);
  if (waiting.length === 0) return null;
  const count = waiting.reduce((sum, each) => sum + each.replies, 0);
  // More customers wait than the server looked into: the figures are floors.
  const atLeast = waiting.some((each) => each.atLeast);
  return (
    <section class="notice warn outage waiting-replies" aria-labelledby="waiting-replies-title">
      <p id="waiting-replies-title" role="status"><strong>{t(atLeast ? 'waitingRepliesTitleAtLeast' : 'waitingRepliesTitle', { count })}</strong></p>
      <ul>
        {waiting.map((each) => (
          <li data-channel={each.channel}>
            {/* Isolated: in Arabic, a Latin name and the figure after it would run together left to right ("2 :WhatsApp"). */}
            {t(each.atLeast ? 'waitingRepliesChannelAtLeast' : 'waitingRepliesChannel', { channel: isolate(channelName(each.channel)), count: isolate(String(each.replies)), since: when(each.since) })}{' '}
            <span class="outage-reason">{t('outageDetails')} <code dir="ltr" lang="en">{each.reason}</code></span>
          </li>
        ))}
      </ul>
    </section>
  );
}
