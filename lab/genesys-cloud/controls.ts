// Fault controls over HTTP: `POST {apiBase}/lab/<name>` with a JSON body, loopback peers only, the
// same names as the GenesysCloudLab methods (lab/README.md "Genesys Cloud").
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { isLoopback } from '../http-io.ts';
import { ROUTING_STATUSES } from './fixture.ts';
import { readJsonBody, sendJson } from './http-replies.ts';

/** What the controls act on (GenesysCloudLab's methods). */
export interface LabControlTarget {
  revokeTokens(userName: string): Promise<void>;
  socketClosing(userName?: string): number;
  expireChannels(): number;
  dropSockets(): number;
  noLongerSubscribed(userName?: string): number;
  setGrantedScopes(userName: string, scopes: string[]): Promise<void>;
  setLoginAvailable(on: boolean): void;
  rateLimit(requests: number, retryAfterSec: number): void;
  setTokenLifetime(sec: number): void;
  setIdleTokenTimeout(sec: number | undefined): void;
  setPresence(userName: string, systemPresence: string): void;
  setRoutingStatus(userName: string, status: string): void;
  startConversation(userName: string, opts?: { direction?: 'inbound' | 'outbound'; ani?: string; dnis?: string; state?: 'alerting' | 'connected' }): string;
  endConversation(id: string): void;
  requests: unknown[];
  clearRequests(): void;
  state(): unknown;
}

const userName = z.string().min(1).max(256);
const controls: Record<string, (lab: LabControlTarget, body: unknown) => unknown> = {
  revokeTokens: (lab, b) => lab.revokeTokens(z.object({ userName }).parse(b).userName),
  socketClosing: (lab, b) => ({ sockets: lab.socketClosing(z.object({ userName: userName.optional() }).parse(b ?? {}).userName) }),
  expireChannels: (lab) => ({ channels: lab.expireChannels() }),
  dropSockets: (lab) => ({ sockets: lab.dropSockets() }),
  noLongerSubscribed: (lab, b) => ({ sockets: lab.noLongerSubscribed(z.object({ userName: userName.optional() }).parse(b ?? {}).userName) }),
  setGrantedScopes: (lab, b) => {
    const p = z.object({ userName, scopes: z.array(z.string().min(1).max(64)).max(64) }).parse(b);
    return lab.setGrantedScopes(p.userName, p.scopes);
  },
  setLoginAvailable: (lab, b) => lab.setLoginAvailable(z.object({ on: z.boolean() }).parse(b).on),
  rateLimit: (lab, b) => {
    const p = z.object({ requests: z.number().int().min(0).max(1_000_000), retryAfterSec: z.number().int().min(0).max(3600) }).parse(b);
    lab.rateLimit(p.requests, p.retryAfterSec);
  },
  setTokenLifetime: (lab, b) => lab.setTokenLifetime(z.object({ sec: z.number().int().min(1).max(172_800) }).parse(b).sec),
  setIdleTokenTimeout: (lab, b) => lab.setIdleTokenTimeout(z.object({ sec: z.number().int().min(1).max(28_800).nullable() }).parse(b).sec ?? undefined),
  setPresence: (lab, b) => {
    const p = z.object({ userName, systemPresence: z.string().min(1).max(64) }).parse(b);
    lab.setPresence(p.userName, p.systemPresence);
  },
  setRoutingStatus: (lab, b) => {
    const p = z.object({ userName, status: z.enum(ROUTING_STATUSES) }).parse(b);
    lab.setRoutingStatus(p.userName, p.status);
  },
  startConversation: (lab, b) => {
    const p = z
      .object({ userName, direction: z.enum(['inbound', 'outbound']).optional(), ani: z.string().max(64).optional(), dnis: z.string().max(64).optional(), state: z.enum(['alerting', 'connected']).optional() })
      .parse(b);
    const { userName: name, ...opts } = p;
    return { id: lab.startConversation(name, opts) };
  },
  endConversation: (lab, b) => lab.endConversation(z.object({ id: z.string().min(1).max(64) }).parse(b).id),
  clearRequests: (lab) => lab.clearRequests(),
};

export async function handleControl(lab: LabControlTarget, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) return sendJson(res, 403, { error: 'lab controls are loopback only' });
  const name = path.slice('/lab/'.length);
  if (req.method === 'GET' && name === 'requests') return sendJson(res, 200, lab.requests);
  if (req.method === 'GET' && name === 'state') return sendJson(res, 200, lab.state());
  const control = Object.hasOwn(controls, name) ? controls[name] : undefined;
  if (control === undefined) return sendJson(res, 404, { error: `no lab control ${name}` });
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST with a JSON body' }, { Allow: 'POST' });
  const body = await readJsonBody(req);
  if (body.kind !== 'ok') return sendJson(res, 400, { error: body.kind === 'bad' ? body.message : 'too large' });
  try {
    const result = await control(lab, body.value);
    sendJson(res, 200, { ok: true, ...(typeof result === 'object' && result !== null ? result : {}) });
  } catch (error) {
    const message = error instanceof z.ZodError ? `bad body: ${error.issues[0]?.message ?? ''}` : error instanceof Error ? error.message : String(error);
    sendJson(res, /unknown/i.test(message) ? 404 : 400, { error: message });
  }
}
