// The product's icon: a speech bubble on the web chat's blue, linked from every page as /favicon.svg. Browsers also
// ask /favicon.ico by themselves (for a JSON answer, say): that is answered with no content rather than a 404, which
// each page would log as an error.
import type { Express } from 'express';

const ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1f4fd1"/>'
  + '<path d="M8 8h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2h-9l-5 4v-4H8a2 2 0 0 1-2-2V10a2 2 0 0 1 2-2z" fill="#fff"/></svg>\n';

/** What pages put in their head to show the icon. */
export const ICON_LINK = '<link rel="icon" href="/favicon.svg" type="image/svg+xml">';

/**
 * Mounts `GET /favicon.svg` and `GET /favicon.ico`.
 *
 *     mountFavicon(app);
 */
export function mountFavicon(app: Express): void {
  app.get('/favicon.svg', (_req, res) => {
    res.set('cache-control', 'public, max-age=86400').type('image/svg+xml').send(ICON);
  });
  app.get('/favicon.ico', (_req, res) => {
    res.set('cache-control', 'public, max-age=86400').status(204).end();
  });
}
