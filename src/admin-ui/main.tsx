// The admin dashboard's entry: signs in (or finds the session cookie good), then shows the page the address's
// hash names (#/queue, #/flows/inbound, #/conversations/42 …), so that links and the back button work.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, whenUnauthorized } from './api.ts';
import { applyLang, lang, onLangChange, setLang, t, type StringKey } from './i18n.ts';
import { LeaveQuestion, mayLeave } from './leaving.tsx';
import { ChannelsBanner, OutageBanner, WaitingBanner } from './outage.tsx';
import { connectLive, disconnectLive, onLiveState, whenLiveUnauthorized, type LiveState } from './live.ts';
import { errorMessage, Notice } from './ui.tsx';
import { Login } from './views/login.tsx';
import { QueueBoard } from './views/queue.tsx';
import { ConversationList, ConversationDetail } from './views/conversations.tsx';
import { FlowList, FlowPage } from './views/flows.tsx';
import { ContactList, ContactDetail } from './views/contacts.tsx';
import { TeamPage } from './views/team.tsx';
import { ReportsPage } from './views/reports.tsx';
import { WhatsAppPage } from './views/whatsapp.tsx';
import { NlpPage } from './views/nlp.tsx';
import './styles.css';

interface Settings {
  whatsappWeb: boolean;
}

const settings: Settings = (() => {
  try {
    return JSON.parse(document.getElementById('settings')?.textContent ?? '{}') as Settings;
  } catch {
    return { whatsappWeb: false };
  }
})();

/** The route in the address's hash, as path segments: "#/flows/inbound" → ["flows", "inbound"]. */
function route(): string[] {
  return location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

function useRoute(): string[] {
  const [path, setPath] = useState(route());
  useEffect(() => {
    // The address may have changed between the first render and this effect.
    let shown = location.href;
    setPath(route());
    const changed = () => {
      if (location.href === shown) return;
      // An editor holds unpublished text and the admin chose to stay: the address goes back to the page shown.
      if (!mayLeave(location.href)) {
        history.replaceState(history.state, '', shown);
        return;
      }
      shown = location.href;
      setPath(route());
    };
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return path;
}

const NAV: { path: string; label: StringKey; when?: () => boolean }[] = [
  { path: 'queue', label: 'navQueue' },
  { path: 'conversations', label: 'navConversations' },
  { path: 'flows', label: 'navFlows' },
  { path: 'contacts', label: 'navContacts' },
  { path: 'team', label: 'navTeam' },
  { path: 'nlp', label: 'navNlp' },
  { path: 'reports', label: 'navReports' },
  { path: 'whatsapp', label: 'navWhatsapp', when: () => settings.whatsappWeb },
];

function Page({ path }: { path: string[] }) {
  const [section, id, sub] = path;
  switch (section ?? 'queue') {
    case 'queue': return <QueueBoard />;
    case 'conversations': return id ? <ConversationDetail id={id} /> : <ConversationList />;
    case 'flows': return id ? <FlowPage key={id} name={id} tab={sub === 'history' ? 'history' : sub === 'new' ? 'new' : 'edit'} /> : <FlowList />;
    case 'contacts': return id ? <ContactDetail key={id} id={id} /> : <ContactList />;
    case 'team': return <TeamPage />;
    case 'nlp': return <NlpPage />;
    case 'reports': return <ReportsPage />;
    case 'whatsapp': return settings.whatsappWeb ? <WhatsAppPage /> : <Notice kind="info">{t('notFound')}</Notice>;
    default: return <Notice kind="info">{t('notFound')}</Notice>;
  }
}

/** The header's word for the live feed's state. */
const LIVE_WORDS: Record<LiveState, StringKey> = { live: 'live', reconnecting: 'offline', tooManyStreams: 'notLive' };

function LanguageSwitch() {
  return (
    <button type="button" class="lang" lang={lang() === 'en' ? 'ar' : 'en'} onClick={() => setLang(lang() === 'en' ? 'ar' : 'en')} aria-label={t('language')}>
      {t('otherLanguage')}
    </button>
  );
}

function Shell({ onSignOut }: { onSignOut: () => void }) {
  const path = useRoute();
  const [menuOpen, setMenuOpen] = useState(false);
  const [live, setLive] = useState<LiveState>('reconnecting');
  useEffect(() => onLiveState(setLive), []);
  useEffect(() => setMenuOpen(false), [path.join('/')]);
  const section = path[0] ?? 'queue';
  return (
    <div class="shell">
      <header class="top">
        <button type="button" class="menu-button" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>☰ <span class="visually-hidden">{t('menu')}</span></button>
        <a class="brand" href="#/queue">{t('appName')}</a>
        <span class={`live ${live === 'live' ? 'on' : 'off'}`} title={t(LIVE_WORDS[live])}>{t(LIVE_WORDS[live])}</span>
        <span class="spacer" />
        <LanguageSwitch />
        <button type="button" class="secondary" onClick={onSignOut}>{t('signOut')}</button>
      </header>
      <nav id="nav" class={menuOpen ? 'open' : ''}>
        {NAV.filter((item) => item.when?.() ?? true).map((item) => (
          <a href={`#/${item.path}`} class={section === item.path ? 'active' : ''} aria-current={section === item.path ? 'page' : undefined}>{t(item.label)}</a>
        ))}
      </nav>
      <main>
        {/* Said on every page: what it shows stops following the changes until there is room again. */}
        {live === 'tooManyStreams' ? <Notice kind="warn">{t('liveTooManyStreams')}</Notice> : null}
        <OutageBanner />
        <ChannelsBanner />
        <WaitingBanner />
        <LeaveQuestion />
        <Page path={path} />
      </main>
    </div>
  );
}

/**
 * `kept`: the sign-in ended under a page (a 401: signed out in another tab, its 12 hours over); the page stays
 * mounted, hidden, below the sign-in form, so that an editor's unpublished text is there again once signed in.
 */
type Auth = { state: 'checking' } | { state: 'out'; reason?: string; kept?: true } | { state: 'in' } | { state: 'off'; reason: string };

function App() {
  const [auth, setAuth] = useState<Auth>({ state: 'checking' });
  const [, rerender] = useState(0);
  useEffect(() => onLangChange(() => rerender((n) => n + 1)), []);
  useEffect(() => {
    const signedOut = () => {
      disconnectLive();
      setAuth((now) => now.state === 'in' || (now.state === 'out' && now.kept) ? { state: 'out', kept: true } : { state: 'out' });
    };
    whenUnauthorized(signedOut);
    whenLiveUnauthorized(signedOut);
    api('GET', '/api/session').then(
      () => setAuth({ state: 'in' }),
      (error: unknown) => {
        // Switchboard starting, or out of its store, is no admin API turned off: the sign-in says it, with the wait.
        if (error instanceof ApiError && error.status === 503 && error.body.kind !== 'unavailable') setAuth({ state: 'off', reason: errorMessage(error) });
        else if (error instanceof ApiError && error.status === 401) setAuth({ state: 'out' });
        else setAuth({ state: 'out', reason: errorMessage(error) });
      },
    );
  }, []);
  useEffect(() => {
    if (auth.state === 'in') connectLive();
  }, [auth.state]);

  const signOut = async () => {
    await api('POST', '/api/logout').catch(() => undefined);
    disconnectLive();
    setAuth({ state: 'out' });
  };

  if (auth.state === 'checking') return <p class="loading">{t('loading')}</p>;
  if (auth.state === 'off') return <div class="login"><h1>{t('appName')}</h1><Notice kind="warn">{t('apiOff')}</Notice><LanguageSwitch /></div>;
  const kept = auth.state === 'out' && auth.kept === true;
  if (auth.state === 'out' && !kept) {
    return (
      <Login
        reason={auth.reason}
        language={<LanguageSwitch />}
        onSignedIn={() => setAuth({ state: 'in' })}
      />
    );
  }
  // The shell at the same place in both cases, so that signing in again finds its pages as they were.
  return (
    <>
      {kept ? <Login reason={t('sessionEnded')} language={<LanguageSwitch />} onSignedIn={() => setAuth({ state: 'in' })} /> : null}
      <div hidden={kept}><Shell onSignOut={signOut} /></div>
    </>
  );
}

applyLang();
render(<App />, document.getElementById('app')!);
