// The embed snippet, served at /widget.js. On any site:
//   <script src="https://chat.example.com/widget.js" data-title="Acme" data-color="#0a7" data-lang="ar" async></script>
// puts a launcher bubble in the page's corner; it opens the chat in an iframe of https://chat.example.com/?embed=1.
// The title and colour default to the server's WEBCHAT_TITLE and WEBCHAT_COLOR (written in below when served).
(() => {
  const DEFAULTS = /*DEFAULTS*/{ "title": "Chat with us", "color": "#1f4fd1" }/*END*/;
  const COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
  const script = document.currentScript;
  if (!script || window.switchboardWidget) return;
  const origin = new URL(script.src, location.href).origin;
  const color = COLOR.test(script.dataset.color || '') ? script.dataset.color : DEFAULTS.color;
  // The chat page's own words: data-lang="ar", else the visitor's browser decides.
  const lang = /^[a-z]{2,3}(-[a-z0-9]{2,8})?$/i.test(script.dataset.lang || '') ? script.dataset.lang : '';
  // The shipped title (DEFAULTS.titles, per language) in the language the chat will speak; a chosen one as written.
  const shipped = !script.dataset.title && DEFAULTS.titles
    ? [lang, ...(navigator.languages || [navigator.language])].map((tag) => DEFAULTS.titles[String(tag || '').toLowerCase().split(/[-_]/)[0]]).find(Boolean)
    : undefined;
  const title = (shipped || script.dataset.title || DEFAULTS.title).slice(0, 80);

  const launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'switchboard-launcher';
  launcher.setAttribute('aria-label', title);
  launcher.setAttribute('aria-expanded', 'false');
  launcher.title = title;
  Object.assign(launcher.style, {
    position: 'fixed', right: '20px', bottom: '20px', width: '56px', height: '56px', borderRadius: '50%', border: '0',
    background: color, color: '#fff', cursor: 'pointer', boxShadow: '0 4px 14px rgba(0,0,0,.25)', zIndex: '2147483000',
    display: 'flex', alignItems: 'center', justifyContent: 'center', padding: '0',
  });
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '28');
  svg.setAttribute('height', '28');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', 'M4 5h16v11H9l-5 4z');
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '2');
  path.setAttribute('stroke-linejoin', 'round');
  svg.append(path);
  launcher.append(svg);

  let frame;
  // The chat's iframe is this server's site, not this page's: a browser may refuse it storage of its own (a third
  // party's). It then asks this page to keep the visitor, in this page's localStorage, so that every tab of the site,
  // and the browser opened again, is the same visitor: this page tells the iframe who the visitor is when it loads and
  // when another tab changes it, and keeps what the iframe says. Only the chat's origin is told or heard.
  const KEY = 'switchboard.chat';
  const stored = () => {
    try { return JSON.parse(localStorage.getItem(KEY) || 'null'); } catch { return null; }
  };
  const tell = () => frame && frame.contentWindow && frame.contentWindow.postMessage({ switchboard: 'chat', chat: stored() }, origin);
  window.addEventListener('message', (event) => {
    if (!frame || event.source !== frame.contentWindow || event.origin !== origin || !event.data || event.data.switchboard !== 'chat') return;
    try {
      if (event.data.chat) localStorage.setItem(KEY, JSON.stringify(event.data.chat));
      else localStorage.removeItem(KEY);
    } catch { /* this page may not keep it either: the chat lasts as long as the page */ }
  });
  window.addEventListener('storage', (event) => {
    if (event.key === KEY || event.key === null) tell();
  });

  function toggle() {
    if (!frame) {
      // Made on the first click: a visitor who never opens the chat costs the server nothing.
      frame = document.createElement('iframe');
      frame.className = 'switchboard-chat';
      frame.title = title;
      frame.src = `${origin}/?${new URLSearchParams({ embed: '1', title, color, ...(lang ? { lang } : {}) })}`;
      frame.addEventListener('load', tell);
      Object.assign(frame.style, {
        position: 'fixed', right: '20px', bottom: '88px', width: 'min(380px, calc(100vw - 40px))', height: 'min(600px, calc(100vh - 120px))',
        border: '0', borderRadius: '12px', boxShadow: '0 8px 30px rgba(0,0,0,.25)', zIndex: '2147483000', background: '#fff', display: 'block',
      });
      document.body.append(frame);
    } else {
      // The page's own styles may show every iframe: the style attribute wins over them.
      frame.style.display = frame.style.display === 'none' ? 'block' : 'none';
    }
    launcher.setAttribute('aria-expanded', String(frame.style.display !== 'none'));
  }
  launcher.addEventListener('click', toggle);
  window.switchboardWidget = { toggle, launcher };
  if (document.body) document.body.append(launcher);
  else document.addEventListener('DOMContentLoaded', () => document.body.append(launcher));
})();
