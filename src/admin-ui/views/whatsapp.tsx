// WhatsApp Web's link page inside the dashboard (with WHATSAPP_WEB=1). The QR page (/whatsapp/qr) takes the admin
// token, not the dashboard's cookie: the token typed at sign-in is used from this page's memory, or typed here.
// The page cannot be framed (it refuses it), so its JSON is fetched and the code shown here, refreshed every 2 s.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n.ts';
import { Notice } from '../ui.tsx';

interface QrState {
  state: string;
  up: boolean;
  reason?: string;
  qrSvg?: string;
  pairingCode?: string;
}

export function WhatsAppPage({ token: signedInWith }: { token: string | undefined }) {
  const [token, setToken] = useState(signedInWith);
  const [typed, setTyped] = useState('');
  const [state, setState] = useState<QrState | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (!token) return;
    let stopped = false;
    const poll = async () => {
      try {
        const res = await fetch('/whatsapp/qr', { headers: { accept: 'application/json', authorization: `Bearer ${token}` } });
        const body = (await res.json()) as QrState & { error?: string };
        if (stopped) return;
        if (!res.ok) {
          setError(body.error ?? String(res.status));
          if (res.status === 401) setToken(undefined);
          return;
        }
        setError(undefined);
        setState(body);
      } catch {
        if (!stopped) setError(t('networkError'));
      }
    };
    void poll();
    const timer = setInterval(poll, 2000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [token]);
  return (
    <div class="whatsapp-page">
      <h1>{t('whatsappTitle')}</h1>
      <p>{t('whatsappHelp')}</p>
      {error ? <Notice kind="error">{error}</Notice> : null}
      {!token ? (
        <form class="inline" onSubmit={(event) => { event.preventDefault(); setToken(typed); }}>
          <p class="muted">{t('whatsappTokenHelp')}</p>
          <input type="password" dir="ltr" aria-label={t('token')} value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
          <button type="submit" disabled={!typed}>{t('show')}</button>
        </form>
      ) : state ? (
        <div class="qr">
          {state.up ? <Notice kind="ok">{t('whatsappLinked')}</Notice> : null}
          {state.reason ? <p>{state.reason}</p> : null}
          {state.qrSvg ? <img alt="QR" width={264} height={264} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(state.qrSvg)}`} /> : null}
          {state.pairingCode ? <p class="pairing" dir="ltr">{t('pairingCode', { code: state.pairingCode })}</p> : null}
        </div>
      ) : <p class="muted">{t('loading')}</p>}
    </div>
  );
}
