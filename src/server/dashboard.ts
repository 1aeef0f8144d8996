// `GET /admin`: the admin dashboard, a single page (src/admin-ui) that speaks the admin API under /api. Its script and
// style sheet are one bundle made by esbuild: `npm run build` writes it to dist/admin-ui, and a server run from the
// sources (`npm start`) bundles src/admin-ui in memory on the first visit, so a fresh clone needs no build step.
// Nothing is fetched from a CDN: the page loads only /admin/assets/*.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Express, Request, Response } from 'express';
import { ICON_LINK } from './favicon.ts';

export interface DashboardOptions {
  /** WhatsApp Web runs (WHATSAPP_WEB=1): the dashboard shows its link page, /whatsapp/qr. */
  whatsappWeb?: boolean;
  /** Where the bundle is looked for; tests point it elsewhere (default: ../admin-ui next to this file). */
  uiDir?: string;
}

/** The bundled client: one script and one style sheet. */
export interface DashboardBundle {
  js: string;
  css: string;
  /** The files it was made from, absolute paths (tests keep a bundle while none of them changed). */
  inputs: string[];
}

const here = dirname(fileURLToPath(import.meta.url));
/** From the sources, src/admin-ui holds main.tsx; after `npm run build`, dist/admin-ui holds app.js and app.css. */
const DEFAULT_UI_DIR = resolve(here, '../admin-ui');

/**
 * Bundles the dashboard's client code (`<dir>/main.tsx` and what it imports, styles included) with esbuild, in
 * memory. esbuild is imported only here: a production build serves the prebuilt files and never loads it.
 *
 *     const { js, css } = await bundleDashboard('src/admin-ui');
 */
export async function bundleDashboard(dir: string = DEFAULT_UI_DIR): Promise<DashboardBundle> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(dir, 'main.tsx')],
    bundle: true,
    write: false,
    outdir: 'out',
    entryNames: 'app',
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
  });
  const js = result.outputFiles.find((file) => file.path.endsWith('.js'))?.text;
  const css = result.outputFiles.find((file) => file.path.endsWith('.css'))?.text ?? '';
  if (js === undefined) throw new Error(`esbuild made no script from ${join(dir, 'main.tsx')}`);
  return { js, css, inputs: Object.keys(result.metafile.inputs).map((input) => resolve(input)) };
}

/** A bundle as served: each file as it is and gzipped (a third of the size, for phones on slow networks). */
interface Served {
  js: { plain: string; gzip: Buffer };
  css: { plain: string; gzip: Buffer };
}

function served(bundle: Pick<DashboardBundle, 'js' | 'css'>): Served {
  return {
    js: { plain: bundle.js, gzip: gzipSync(bundle.js) },
    css: { plain: bundle.css, gzip: gzipSync(bundle.css) },
  };
}

/** One bundle per process and folder: several servers in one process (tests) share it. */
const bundles = new Map<string, Promise<Served>>();

/** The prebuilt bundle when there is one, else the sources bundled now (once). */
function bundleOf(dir: string): Promise<Served> {
  let bundle = bundles.get(dir);
  if (!bundle) {
    bundle = (existsSync(join(dir, 'app.js'))
      ? Promise.all([readFile(join(dir, 'app.js'), 'utf8'), readFile(join(dir, 'app.css'), 'utf8')]).then(([js, css]) => ({ js, css }))
      : existsSync(join(dir, 'main.tsx'))
        ? bundleDashboard(dir)
        : Promise.reject(new Error(`the dashboard is not built: neither ${join(dir, 'app.js')} nor its sources are here; run npm run build`))).then(served);
    bundle.catch(() => bundles.delete(dir));
    bundles.set(dir, bundle);
  }
  return bundle;
}

/**
 * Mounts `/admin` (the page) and `/admin/assets/app.js|app.css`. The page is a shell: the client asks
 * `GET /api/session` and shows the login form or the dashboard. The admin API calls this only when ADMIN_TOKEN is
 * set (without it, the API's own page says how to turn it on).
 *
 *     mountAdmin(routes, { …, dashboard: (app) => mountDashboard(app, { whatsappWeb: config.WHATSAPP_WEB === '1' }) });
 *     // open http://127.0.0.1:3000/admin
 */
export function mountDashboard(app: Express, options: DashboardOptions): void {
  const dir = options.uiDir ?? DEFAULT_UI_DIR;
  app.get(['/admin', '/admin/'], (_req: Request, res: Response) => {
    res.set({ 'cache-control': 'no-store' });
    // Bundling starts with the page, so the script is ready or nearly when the browser asks for it.
    bundleOf(dir).catch(() => undefined);
    const nonce = randomBytes(16).toString('base64');
    res.set('content-security-policy', [
      "default-src 'none'",
      "script-src 'self'",
      // The code editor adds its own style rules, carrying this nonce; the charts set sizes through element styles.
      `style-src 'self' 'nonce-${nonce}'`,
      "img-src 'self' data: blob:",
      "media-src 'self' blob:",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '));
    res.type('html').send(shell(nonce, { whatsappWeb: options.whatsappWeb === true }));
  });
  app.get('/admin/assets/:file', async (req: Request, res: Response) => {
    const kind = req.params.file === 'app.js' ? 'js' : req.params.file === 'app.css' ? 'css' : undefined;
    if (!kind) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    try {
      const bundle = await bundleOf(dir);
      // Revalidated on every load (the ETag express sets makes that a 304): a new version is never served stale.
      res.set({ 'cache-control': 'no-cache', vary: 'accept-encoding' }).type(kind === 'js' ? 'text/javascript' : 'text/css');
      if (req.acceptsEncodings('gzip') === 'gzip') res.set('content-encoding', 'gzip').send(bundle[kind].gzip);
      else res.send(bundle[kind].plain);
    } catch (error) {
      res.status(500).json({ error: `the dashboard could not be bundled: ${error instanceof Error ? error.message : String(error)}` });
    }
  });
}

/**
 * The page: the language and direction are set by the client from the admin's choice (else the browser's language), and
 * so are its title and words; until its script runs it says nothing in any language, so an Arabic admin never sees an
 * English "Loading…" first.
 */
function shell(nonce: string, settings: { whatsappWeb: boolean }): string {
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="csp-nonce" content="${nonce}">
<title>Switchboard</title>
${ICON_LINK}
<link rel="stylesheet" href="/admin/assets/app.css">
<script type="module" src="/admin/assets/app.js"></script>
</head>
<body>
<script type="application/json" id="settings">${json}</script>
<div id="app"><p class="loading" role="status" aria-busy="true">…</p></div>
</body>
</html>
`;
}
