// "Open a WebSocket through the core's network set-up" (DESIGN.md: every socket an adapter opens —
// XMPP, CometD, WebSocket — goes through the same CA bundle, proxy and TLS rules as HttpSession).
// undici's WebSocket with the core's Dispatcher, never Node's global one, so neither
// NODE_TLS_REJECT_UNAUTHORIZED nor a global dispatcher set by someone else can change how it connects.
import { WebSocket, type Dispatcher } from 'undici';
import { PatchbayError } from '../errors.ts';
import { coreDispatcher } from './proxy.ts';

export interface OpenWebSocketOptions {
  /** The core's dispatcher (PlatformContext.dispatcher). Without one, a core dispatcher with the OS
   *  trust store and the environment's proxy, built once. */
  dispatcher?: Dispatcher | undefined;
  protocols?: string[];
  /** Extra handshake headers (e.g. Authorization). Never a Cookie set by hand. */
  headers?: Record<string, string>;
  /** ws:// to a host other than this computer is refused unless the profile is a lab profile
   *  (issue 8 item 4: nothing secret in clear text over the network). */
  allowCleartext?: boolean;
}

export function openWebSocket(url: string, options: OpenWebSocketOptions = {}): WebSocket {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PatchbayError('net.websocket-url', 'The notification address is not a valid WebSocket address.', { action: 'contact-it' });
  }
  if (parsed.protocol !== 'wss:' && parsed.protocol !== 'ws:') {
    throw new PatchbayError('net.websocket-url', `The notification address for ${parsed.host} is not a ws(s) address.`, { action: 'contact-it', details: { host: parsed.host } });
  }
  if (parsed.protocol === 'ws:' && !options.allowCleartext && !isLoopbackHost(parsed.hostname)) {
    throw new PatchbayError('net.cleartext-refused', `Patchbay does not open an unencrypted connection to ${parsed.host}; the server must use wss://.`, {
      action: 'contact-it',
      details: { host: parsed.host },
    });
  }
  return new WebSocket(parsed.href, {
    dispatcher: options.dispatcher ?? coreDispatcher(),
    ...(options.protocols ? { protocols: options.protocols } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
}

/** 127.0.0.0/8, ::1, localhost: nothing leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
