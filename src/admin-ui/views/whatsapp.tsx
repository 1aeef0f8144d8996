// WhatsApp Web's link page inside the dashboard (with WHATSAPP_WEB=1). The QR page (/whatsapp/qr) takes the
// dashboard's sign-in cookie, so a signed-in admin is not asked for the token again. The page cannot be framed (it
// refuses it), so its JSON is fetched and the code shown here, refreshed every 2 s.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { named, t } from '../i18n.ts';
import { errorMessage, Notice } from '../ui.tsx';

interface QrState {
  state: string;
  up: boolean;
  reason?: string;
  qrSvg?: string;
  pairingCode?: string;
}

export function WhatsAppPage() {
  const [state, setState] = useState<QrState | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        // A 401 (the sign-in expired) shows the sign-in form, as on every other page.
        const body = await api<QrState>('GET', '/whatsapp/qr');
        if (stopped) return;
        setError(undefined);
        setState(body);
      } catch (failure) {
        if (!stopped) setError(errorMessage(failure));
      }
    };
    void poll();
    const timer = setInterval(poll, 2000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  return (
    <div class="whatsapp-page">
      <h1>{t('whatsappTitle')}</h1>
      <p>{t('whatsappHelp')}</p>
      {error ? <Notice kind="error">{error}</Notice> : null}
      {state ? (
        <div class="qr">
          {state.up ? <Notice kind="ok">{t('whatsappLinked')}</Notice> : null}
          {state.reason ? <p lang="en" dir="auto">{state.reason}</p> : null}
          {state.qrSvg ? <img alt={t('qrCode')} width={264} height={264} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(state.qrSvg)}`} /> : null}
          {state.pairingCode ? <p class="pairing">{t('pairingCode', { code: named(state.pairingCode) })}</p> : null}
        </div>
      ) : error ? null : <p class="muted">{t('loading')}</p>}
    </div>
  );
}
