// The emulated component's page and script (seed 004 §3-4), served from the component's own origin.
// Protocol: post `ready` to the parent (exact parent origin, never '*'), wait for `ack` from the parent
// window, accept the token only by postMessage, validate it through this origin's /validate (which asks the
// Genesys Cloud lab over HTTP), then emit session-start, queue-position, interaction-end, token-expiring.
export const PAGE_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>Genesys Cloud component (lab)</title>
<script src="/component.js" defer></script></head>
<body><h1>Genesys workspace (lab component)</h1><p id="status">starting</p><p id="queue"></p></body></html>`;

export const COMPONENT_JS = `(() => {
  const P = 'genesys-cloud-embed:';
  const parentOrigin = new URLSearchParams(location.search).get('parent');
  const status = (t) => { document.getElementById('status').textContent = t; };
  if (!parentOrigin || window.parent === window) { status('no parent'); return; }
  const send = (msg) => window.parent.postMessage(msg, parentOrigin); // exact target origin
  let acked = false;
  let ctl = {};
  async function controls() {
    try { ctl = await (await fetch('/lab/state')).json(); } catch { ctl = {}; }
    return ctl;
  }
  window.addEventListener('message', async (event) => {
    if (event.origin !== parentOrigin || event.source !== window.parent) return; // seed 004: exact origin
    const m = event.data;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'ack' && !acked) { acked = true; status('acked'); return; }
    if (m.type === P + 'token' && acked && typeof m.accessToken === 'string') {
      const r = await fetch('/validate', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: m.accessToken });
      const body = await r.json();
      if (!r.ok) { status('AuthenticationError: 401'); send({ type: P + 'error', error: 'AuthenticationError: 401 Unauthorized' }); return; }
      if ((await controls()).silent) return;
      status('active ' + body.userId);
      send({ type: P + 'session-start', userId: body.userId });
      send({ type: P + 'queue-position', position: 3, total: 7 });
      setTimeout(() => send({ type: P + 'queue-position', position: 1, total: 7 }), 200);
      setTimeout(() => send({ type: P + 'interaction-end', interactionId: 'lab-interaction-1' }), 400);
      setTimeout(() => send({ type: P + 'token-expiring', expiresInSeconds: 60 }), body.expiringAfterMs);
    }
  });
  controls().then((c) => {
    if (c.silent) return;
    send({ type: P + 'ready' });
    if (c.replayReady) setTimeout(() => send({ type: P + 'ready' }), 300);
    if (c.wrongOrigin) {
      // A frame from another lab origin posts to our parent: the host must ignore it.
      const f = document.createElement('iframe');
      f.src = c.wrongOrigin + '/hostile?parent=' + encodeURIComponent(parentOrigin);
      f.hidden = true;
      document.body.append(f);
    }
  });
})();`;

export const HOSTILE_JS = `(() => {
  const parentOrigin = new URLSearchParams(location.search).get('parent');
  window.parent.parent.postMessage({ type: 'genesys-cloud-embed:session-start', userId: 'mallory' }, parentOrigin);
  window.parent.parent.postMessage({ type: 'genesys-cloud-embed:ready' }, parentOrigin);
})();`;
