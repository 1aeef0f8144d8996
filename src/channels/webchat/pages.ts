// The web chat's pages and their files: the chat at `/` (also the widget's iframe, `/?embed=1`), the agent console
// at `/agent`, the embed snippet `/widget.js`, and the scripts and styles under `/assets/`. Each page carries a
// content security policy: scripts and styles only from these files, framing refused except the widget's iframe.
import { readFileSync } from 'node:fs';
import type { Request, Response, Router } from 'express';
import { WORDS } from './words.js';

/** How the pages look, where they may be embedded, and how their tabs share one event stream. */
export interface PageOptions {
  /** The chat's title (`WEBCHAT_TITLE`); the snippet's `data-title` overrides it. Default "Chat with us". */
  title: string;
  /** The chat's colour, `#rgb` or `#rrggbb` (`WEBCHAT_COLOR`); the snippet's `data-color` overrides it. */
  color: string;
  /** Origins (`https://shop.example`) whose pages may hold the widget's iframe; none: only this server's own pages. */
  embedOrigins: readonly string[];
  /**
   * How long (ms) a tab of the chat or the console hears nothing from the tab holding the stream (which says it is
   * there every 2 s) before taking the stream from it: the holder was frozen, not closed (tab-share.js). Default 30 s.
   */
  tabSilenceMs: number;
  /**
   * How long (ms) the chat's event stream may send nothing, not even a keep-alive, before the page drops it and
   * connects again (a connection gone silent closes by itself only after many minutes). Default 45 s: three of the
   * channel's keep-alives, which sets it from its own.
   */
  streamSilenceMs: number;
}

export const DEFAULT_PAGE_OPTIONS: PageOptions = { title: 'Chat with us', color: '#1f4fd1', embedOrigins: [], tabSilenceMs: 30_000, streamSilenceMs: 45_000 };

/** What a colour may be, in configuration and in the snippet's `data-color`. */
export const COLOR_PATTERN = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

const file = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');

const ASSETS = new Map(['chat.js', 'chat.css', 'console.js', 'console.css', 'console-words.js', 'console-drafts.js', 'failure-words.js', 'tab-share.js', 'file-words.js', 'styled-runs.js', 'ui.js', 'words.js'].map((name) => [name, { type: name.endsWith('.css') ? 'text/css' : 'text/javascript', body: file(name) }]));

/**
 * The policy of a page: its own scripts and styles only (no inline script), pictures and sound from this
 * server, requests to this server, and who may frame it.
 */
function pagePolicy(frameAncestors: string): string {
  return [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "media-src 'self' blob:",
    "connect-src 'self'", "form-action 'self'", "base-uri 'none'", `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Mounts `/`, `/agent`, `/widget.js` and `/assets/*`. `maxFileBytes` is the largest file the chat takes, once known
 * (the media store's): the page refuses a larger one before sending any of it.
 *
 *     mountPages(router, { title: 'Acme', embedOrigins: ['https://shop.example'] }, () => host?.media.maxBytes);
 */
export function mountPages(router: Router, given: Partial<PageOptions>, maxFileBytes: () => number | undefined = () => undefined): void {
  const options = { ...DEFAULT_PAGE_OPTIONS, ...given };
  const chat = file('page.html')
    .replaceAll('{{title}}', escapeHtml(options.title))
    .replaceAll('{{color}}', escapeHtml(options.color))
    .replace('{{tabSilenceMs}}', String(options.tabSilenceMs))
    .replace('{{streamSilenceMs}}', String(options.streamSilenceMs));
  const console = file('console.html').replace('{{tabSilenceMs}}', String(options.tabSilenceMs));
  // The shipped title is one of the chat's words: the widget words its launcher in the chat's language too.
  const titles = options.title === DEFAULT_PAGE_OPTIONS.title ? { titles: Object.fromEntries(Object.entries(WORDS).map(([language, words]) => [language, words.title])) } : {};
  const defaults = JSON.stringify({ title: options.title, color: options.color, ...titles }).replace(/</g, '\\u003c');
  const widget = file('widget.js').replace(/\/\*DEFAULTS\*\/[^\n]*\/\*END\*\//, defaults);
  const embedAncestors = ["'self'", ...options.embedOrigins].join(' ');

  const html = (res: Response, body: string, frameAncestors: string) => {
    res.set({ 'content-security-policy': pagePolicy(frameAncestors), 'cross-origin-opener-policy': 'same-origin', 'cache-control': 'no-cache' });
    res.type('html').send(body);
  };

  router.get('/', (req: Request, res: Response) => {
    const embedded = req.query.embed === '1';
    // The widget's iframe: framed by the origins configured, so the frame rule is in the policy alone.
    if (embedded) res.removeHeader('x-frame-options');
    html(res, chat.replace('{{embed}}', embedded ? 'embed' : '').replace('{{maxFileBytes}}', String(maxFileBytes() ?? '')), embedded ? embedAncestors : "'none'");
  });
  router.get('/agent', (_req: Request, res: Response) => {
    html(res, console, "'none'");
  });
  router.get('/widget.js', (_req: Request, res: Response) => {
    // Loaded by other sites' pages: their own page decides whether it may run it.
    res.set({ 'cross-origin-resource-policy': 'cross-origin', 'cache-control': 'public, max-age=300' });
    res.type('text/javascript').send(widget);
  });
  router.get('/assets/:name', (req: Request, res: Response) => {
    const asset = ASSETS.get(String(req.params.name));
    if (!asset) {
      res.status(404).json({ error: 'not found', kind: 'notFound' });
      return;
    }
    res.set('cache-control', 'no-cache');
    res.type(asset.type).send(asset.body);
  });
}
