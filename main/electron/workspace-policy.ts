// Pure decisions for the Electron workspace view (issue 12; DESIGN.md "Embedded vendor components"):
// its partition, webPreferences, the host page it serves, what it may navigate to and what IPC payload
// it accepts. No electron import, so plain Node tests prove each one.
import { z } from 'zod';
import { PatchbayError } from '../core/errors.ts';
import { WORKSPACE_FRAME_ID, WORKSPACE_HOST_ORIGIN, WORKSPACE_MAX_MESSAGE_CHARS, WORKSPACE_SCHEME } from './workspace-channels.ts';
import { originOf } from './policy.ts';

/** An in-memory partition per profile (no `persist:`): nothing of the component outlives the app. */
export function workspacePartition(profileId: string): string {
  return `workspace-${profileId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/** The view's webPreferences (Electron security checklist 2–4, 6, 12): written out, never spread, so a
 *  scanner and a reader see each one. DevTools only in development builds (issue 8 item 13). */
export function workspaceWebPreferences(options: { partition: string; preload: string; packaged: boolean }) {
  return {
    partition: options.partition,
    preload: options.preload,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    disableBlinkFeatures: 'Auxclick',
    devTools: !options.packaged,
  } as const;
}

/** The component's http(s) origin, which must be the origin the core allows (GC-06/GC-07), else a typed error. */
export function checkComponentUrl(componentUrl: string, allowedOrigin: string): string {
  let url: URL;
  try {
    url = new URL(componentUrl);
  } catch {
    throw invalidComponent();
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') throw invalidComponent();
  if (url.origin !== allowedOrigin) throw invalidComponent();
  return url.origin;
}

function invalidComponent(): PatchbayError {
  return new PatchbayError('workspace.invalid-component', 'The Genesys workspace address is not the one this profile allows.', { action: 'contact-it' });
}

/** The frame's src: the component URL with `parent` = the host page's origin, the exact origin the
 *  component posts to (as the browser shell's host page does). Never a token (GC-04). */
export function componentFrameSrc(componentUrl: string): string {
  const src = new URL(componentUrl);
  src.searchParams.set('parent', WORKSPACE_HOST_ORIGIN);
  return src.toString();
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The host page: no script of its own (the preload carries the messages), one frame for the component.
 *  The frame may not navigate the host (sandbox without allow-top-navigation) and sends no referrer. */
export function hostPageHtml(componentUrl: string): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">',
    '<title>Genesys workspace</title><link rel="stylesheet" href="/host.css"></head><body>',
    `<iframe id="${WORKSPACE_FRAME_ID}" title="Genesys Cloud workspace" src="${escapeAttribute(componentUrl)}" referrerpolicy="no-referrer" sandbox="allow-scripts allow-same-origin allow-forms"></iframe>`,
    '</body></html>',
  ].join('');
}

export const HOST_PAGE_CSS = 'html,body{margin:0;height:100%;overflow:hidden}iframe{display:block;border:0;width:100%;height:100%}';

/** The patchbay-workspace:// handler of one open: `/` and `/host.css`, every response with the request's CSP (GC-08). */
export function createWorkspaceHostHandler(page: { componentUrl: string; csp: string }): (request: Request) => Response {
  const respond = (status: number, body: string, type: string, head: boolean) =>
    new Response(head ? null : body, {
      status,
      headers: {
        'Content-Type': type,
        'Content-Security-Policy': page.csp, // GC-08: exactly what the core computed from the profile
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-store',
      },
    });
  return (request) => {
    const head = request.method === 'HEAD';
    if (request.method !== 'GET' && !head) return respond(405, 'Method not allowed', 'text/plain; charset=utf-8', head);
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return respond(404, 'Not found', 'text/plain; charset=utf-8', head);
    }
    if (`${url.protocol}//${url.host}` !== WORKSPACE_HOST_ORIGIN) return respond(404, 'Not found', 'text/plain; charset=utf-8', head);
    if (url.pathname === '/' || url.pathname === '') return respond(200, hostPageHtml(componentFrameSrc(page.componentUrl)), 'text/html; charset=utf-8', head);
    if (url.pathname === '/host.css') return respond(200, HOST_PAGE_CSS, 'text/css; charset=utf-8', head);
    return respond(404, 'Not found', 'text/plain; charset=utf-8', head);
  };
}

export type FrameLevel = 'main' | 'component' | 'nested';

/** Navigation rule: the host page stays the host page; the component's frame stays on the component
 *  origin; frames the component itself nests are its business (its own CSP governs them). */
export function workspaceNavigationAllowed(url: string, level: FrameLevel, componentOrigin: string): boolean {
  const origin = originOf(url);
  if (level === 'main') return origin === WORKSPACE_HOST_ORIGIN;
  if (level === 'component') return origin === componentOrigin;
  return true;
}

/** What the preload forwards: validated again here, the sender being a renderer (Electron checklist 17). */
export const WorkspaceIpcPayloadSchema = z
  .object({ origin: z.string().max(2048), fromComponentFrame: z.boolean(), data: z.unknown() })
  .strict();

/** Too big (or unmeasurable) to be a protocol message. */
export function isOversize(data: unknown): boolean {
  try {
    return (JSON.stringify(data)?.length ?? 0) > WORKSPACE_MAX_MESSAGE_CHARS;
  } catch {
    return true;
  }
}

/** The scheme Electron must know as standard + secure before 'ready' (a real origin for postMessage). */
export const WORKSPACE_PRIVILEGED_SCHEME = { scheme: WORKSPACE_SCHEME, privileges: { standard: true, secure: true } } as const;
