// The banner on every page while the store refuses every call (the disk full, PostgreSQL out of reach): what is wrong,
// since when, what Switchboard does about it and what the admin can do, in the admin's language, the server's own
// words last; gone once the store accepts calls again. The live stream tells it: no page asks for it.
import { useEffect, useState } from 'preact/hooks';
import type { StoreOutage } from '../store/types.ts';
import { inWait, t, when } from './i18n.ts';
import { onStoreOutage } from './live.ts';

/**
 * The banner, shown while the live stream says the store refuses every call; nothing otherwise.
 *
 *     <main><OutageBanner /><Page path={path} /></main>
 */
export function OutageBanner() {
  const [outage, setOutage] = useState<StoreOutage | undefined>();
  const [now, setNow] = useState(Date.now());
  useEffect(() => onStoreOutage(setOutage), []);
  // The countdown to the store's next try, by the second.
  useEffect(() => {
    if (!outage?.retryAt) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
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
