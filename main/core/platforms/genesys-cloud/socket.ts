// The real notification socket: undici's WebSocket through the core's network set-up (the
// context's dispatcher: IT's CA bundle and proxy), so it trusts what every other request trusts.
// No header carries a credential: the channel's connectUri is the capability (§2).
import { WebSocket, type Dispatcher } from 'undici';
import type { GcSocket, GcSocketFactory } from './notifications.ts';

export function undiciSocketFactory(dispatcher?: Dispatcher): GcSocketFactory {
  return (url, handlers) => {
    const ws = new WebSocket(url, dispatcher ? { dispatcher } : {});
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
        if (ws.readyState === WebSocket.OPEN) ws.send(text);
      },
      close: () => {
        if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close(1000, 'patchbay');
      },
    };
    return socket;
  };
}
