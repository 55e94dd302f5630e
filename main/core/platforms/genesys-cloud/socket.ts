// The real notification socket: the core's openWebSocket (net/websocket.ts: undici's WebSocket with
// the core's dispatcher — IT's CA bundle and proxy, no cleartext off this computer), so it trusts
// what every other request trusts. No header carries a credential: the channel's connectUri is the
// capability (protocols/genesys-cloud.md §2), checked by api.checkConnectUri before it gets here.
import type { Dispatcher } from 'undici';
import { openWebSocket } from '../../net/websocket.ts';
import type { GcSocket, GcSocketFactory } from './notifications.ts';

export function undiciSocketFactory(dispatcher?: Dispatcher): GcSocketFactory {
  return (url, handlers) => {
    const ws = openWebSocket(url.href, { dispatcher });
    let closed = false;
    const closeOnce = (code: number, reason: string) => {
      if (closed) return;
      closed = true;
      handlers.onClose(code, reason);
    };
    ws.addEventListener('open', () => handlers.onOpen());
    ws.addEventListener('message', (event) => {
      if (typeof event.data === 'string') handlers.onMessage(event.data);
    });
    ws.addEventListener('close', (event) => closeOnce(event.code, event.reason));
    ws.addEventListener('error', () => closeOnce(1006, 'error'));
    const socket: GcSocket = {
      send: (text) => {
        if (ws.readyState === ws.OPEN) ws.send(text);
      },
      close: () => {
        if (ws.readyState === ws.CONNECTING || ws.readyState === ws.OPEN) ws.close(1000, 'patchbay');
      },
    };
    return socket;
  };
}
