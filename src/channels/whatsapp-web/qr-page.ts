// `GET /whatsapp/qr`: where an admin links the business's WhatsApp to Switchboard. The page shows the session's state,
// the QR code to scan while it is not linked (or the pairing code, when linking by phone number), and follows
// WhatsApp's rotations by polling the same address for JSON. A QR code lets whoever scans it put their own account
// behind the bot, so the page is behind ADMIN_TOKEN (Bearer header, or ?token= for a browser) or the admin
// dashboard's sign-in (its cookie, checked by the admin API: the dashboard shows the code without asking for the
// token again), and is never cached.
import { randomBytes } from 'node:crypto';
import type { Express, Request, Response } from 'express';
import QRCode from 'qrcode';
import { sameSecret } from '../../shared/secret.ts';
import type { SessionStatus } from './session.ts';

export interface QrPageOptions {
  /** ADMIN_TOKEN; the page is off (404) without it. */
  token: string | undefined;
  status: () => SessionStatus;
  /** Whether the request is an admin signed in to the dashboard (its cookie), besides the token. */
  signedIn?: (req: Request) => boolean;
  /** How often the page asks for news (default 2000 ms). */
  pollMs?: number;
}

/** What the page's JSON says (`Accept: application/json`). */
export interface QrPageState {
  state: SessionStatus['state'];
  up: boolean;
  reason?: string;
  since: string;
  /** The QR code to scan, as an SVG image. */
  qrSvg?: string;
  pairingCode?: string;
}

/**
 * Mounts the page.
 *
 *     mountQrPage(app, { token: config.ADMIN_TOKEN, status: () => session.status() });
 *     // open http://127.0.0.1:3000/whatsapp/qr?token=<ADMIN_TOKEN>
 */
export function mountQrPage(app: Express, options: QrPageOptions): void {
  const svgOf = lastOnly((qr: string) => QRCode.toString(qr, { type: 'svg', margin: 2, errorCorrectionLevel: 'L' }));
  app.get('/whatsapp/qr', async (req: Request, res: Response) => {
    res.set({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff' });
    if (!options.token) {
      res.status(404).json({ error: 'the WhatsApp QR page is off: set ADMIN_TOKEN to turn it on, then open /whatsapp/qr?token=<ADMIN_TOKEN>' });
      return;
    }
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    const query = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (!sameSecret(bearer ?? query, options.token) && !options.signedIn?.(req)) {
      res.status(401).json({ error: 'send Authorization: Bearer <ADMIN_TOKEN>, or open /whatsapp/qr?token=<ADMIN_TOKEN>' });
      return;
    }
    const status = options.status();
    const state: QrPageState = {
      state: status.state,
      up: status.up,
      ...(status.reason !== undefined ? { reason: status.retryAt !== undefined ? `${status.reason} in ${secondsUntil(status.retryAt)} s` : status.reason } : {}),
      since: status.since,
      ...(status.qr !== undefined ? { qrSvg: await svgOf(status.qr) } : {}),
      ...(status.pairingCode !== undefined ? { pairingCode: status.pairingCode } : {}),
    };
    if (req.accepts(['html', 'json']) === 'json') {
      res.json(state);
      return;
    }
    const nonce = randomBytes(16).toString('base64');
    res.set('content-security-policy', `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data:; connect-src 'self'; frame-ancestors 'none'`);
    res.type('html').send(page(state, nonce, options.pollMs ?? 2000));
  });
}

/** `render`, remembering only its last answer: the same QR code is asked for again and again until it rotates. */
function lastOnly(render: (qr: string) => Promise<string>): (qr: string) => Promise<string> {
  let last: { qr: string; svg: Promise<string> } | undefined;
  return (qr) => {
    if (last?.qr !== qr) last = { qr, svg: render(qr) };
    return last.svg;
  };
}

const TITLES: Record<SessionStatus['state'], string> = {
  starting: 'Starting WhatsApp Web…',
  'waiting-for-scan': 'Link WhatsApp',
  authenticating: 'Linked: loading chats…',
  ready: 'WhatsApp is linked and ready',
  reconnecting: 'Reconnecting…',
  'logged-out': 'Logged out: a new QR code is coming',
  stopped: 'Stopped',
};

function page(state: QrPageState, nonce: string, pollMs: number): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Switchboard · WhatsApp Web</title>
<style nonce="${nonce}">
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem; color: #1f2933; }
  #qr svg { width: 100%; max-width: 20rem; height: auto; display: block; margin: 1rem 0; }
  #code { font: 2rem/1.2 ui-monospace, monospace; letter-spacing: .2em; }
  .muted { color: #616e7c; font-size: .9rem; }
</style>
</head>
<body>
<h1 id="title">${escapeHtml(TITLES[state.state])}</h1>
<p id="reason">${escapeHtml(state.reason ?? '')}</p>
<div id="qr">${state.qrSvg ?? ''}</div>
<p id="code">${escapeHtml(state.pairingCode ?? '')}</p>
<p class="muted">On the phone: WhatsApp → Settings → Linked devices → Link a device, then scan the code (or choose
"Link with phone number instead" and enter the pairing code). The code changes every few seconds; this page follows it.</p>
<script nonce="${nonce}">
  const titles = ${scriptJson(TITLES)};
  const token = new URLSearchParams(location.search).get('token');
  const headers = { accept: 'application/json', ...(token ? { authorization: 'Bearer ' + token } : {}) };
  let lastSvg = ${scriptJson(state.qrSvg ?? '')};
  async function poll() {
    try {
      const res = await fetch(location.pathname, { headers, cache: 'no-store' });
      if (res.status === 401) { document.getElementById('reason').textContent = 'The token was refused: open this page again with ?token=<ADMIN_TOKEN>.'; return; }
      if (res.ok) {
        const state = await res.json();
        document.getElementById('title').textContent = titles[state.state] || state.state;
        document.getElementById('reason').textContent = state.reason || '';
        document.getElementById('code').textContent = state.pairingCode || '';
        const svg = state.qrSvg || '';
        if (svg !== lastSvg) { document.getElementById('qr').innerHTML = svg; lastSvg = svg; }
      }
    } catch {}
    setTimeout(poll, ${pollMs});
  }
  setTimeout(poll, ${pollMs});
</script>
</body>
</html>`;
}

/** Whole seconds from now until `at` (ISO 8601), none when past: the page's countdown to the next client. */
function secondsUntil(at: string): number {
  return Math.max(0, Math.ceil((Date.parse(at) - Date.now()) / 1000));
}

/** JSON that cannot end the script element it sits in. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
