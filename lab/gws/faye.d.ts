// faye ships no types (shared/rigs/servers.md): the part of its server API the GWS lab uses.
declare module 'faye' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface BayeuxMessage {
    channel: string;
    clientId?: string;
    id?: string;
    data?: unknown;
    subscription?: string | string[];
    successful?: boolean;
    error?: string;
    advice?: { reconnect?: 'retry' | 'handshake' | 'none'; interval?: number; timeout?: number };
    supportedConnectionTypes?: string[];
    connectionType?: string;
    ext?: Record<string, unknown>;
  }

  export type ExtensionCallback = (message: BayeuxMessage) => void;

  export interface Extension {
    incoming?(message: BayeuxMessage, request: IncomingMessage | null, callback: ExtensionCallback): void;
    outgoing?(message: BayeuxMessage, request: IncomingMessage | null, callback: ExtensionCallback): void;
  }

  export interface Publication {
    then(resolve: () => void, reject?: (error: unknown) => void): void;
  }

  export interface Client {
    publish(channel: string, data: unknown): Publication;
    disconnect(): void;
  }

  export class NodeAdapter {
    constructor(options: { mount: string; timeout?: number; ping?: number });
    addExtension(extension: Extension): void;
    handle(request: IncomingMessage, response: ServerResponse): void;
    getClient(): Client;
    close(): void;
  }

  const faye: { NodeAdapter: typeof NodeAdapter };
  export default faye;
}
