// The GWS lab's fault controls over HTTP: POST {baseUrl}/lab/<name> with a JSON body, loopback only.
// Each maps to the method of the same name on GwsLab (lab/README.md "Genesys Engage").
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { isLoopback, readBody } from '../http-io.ts';
import { sendJson } from './http.ts';

export interface LabControls {
  invalidateSession(userName: string): void;
  dropCometd(): void;
  rotateCsrf(): void;
  setConfigServerAuth(on: boolean): void;
  setIdpDown(on: boolean): void;
  setAgentState(userName: string, state: 'Ready' | 'NotReady' | 'AfterCallWork', reason?: string): void;
  startCall(userName: string): string;
  endCall(callId: string): void;
}

const UserName = z.object({ userName: z.string().min(1) });
const On = z.object({ on: z.boolean() });
const schemas = {
  invalidateSession: UserName,
  dropCometd: z.object({}).passthrough(),
  rotateCsrf: z.object({}).passthrough(),
  setConfigServerAuth: On,
  setIdpDown: On,
  setAgentState: z.object({ userName: z.string().min(1), state: z.enum(['Ready', 'NotReady', 'AfterCallWork']), reason: z.string().min(1).optional() }),
  startCall: UserName,
  endCall: z.object({ callId: z.string().min(1) }),
} as const;

export async function handleControl(req: IncomingMessage, res: ServerResponse, name: string, controls: LabControls): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) {
    req.resume();
    return sendJson(res, 403, { error: 'lab controls are loopback only' });
  }
  if (req.method !== 'POST' || !(name in schemas)) {
    req.resume();
    return sendJson(res, 404, { error: `no lab control ${req.method} /lab/${name}` });
  }
  const body = await readBody(req, 4096);
  let json: unknown = {};
  if (body.kind === 'ok' && body.text.trim() !== '') {
    try {
      json = JSON.parse(body.text);
    } catch {
      return sendJson(res, 400, { error: 'body is not JSON' });
    }
  }
  const parsed = schemas[name as keyof typeof schemas].safeParse(json);
  if (!parsed.success) return sendJson(res, 400, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  const v = parsed.data as Record<string, unknown>;
  try {
    switch (name as keyof typeof schemas) {
      case 'invalidateSession':
        controls.invalidateSession(String(v['userName']));
        break;
      case 'dropCometd':
        controls.dropCometd();
        break;
      case 'rotateCsrf':
        controls.rotateCsrf();
        break;
      case 'setConfigServerAuth':
        controls.setConfigServerAuth(v['on'] === true);
        break;
      case 'setIdpDown':
        controls.setIdpDown(v['on'] === true);
        break;
      case 'setAgentState':
        controls.setAgentState(String(v['userName']), v['state'] as 'Ready', v['reason'] === undefined ? undefined : String(v['reason']));
        break;
      case 'startCall':
        return sendJson(res, 200, { callId: controls.startCall(String(v['userName'])) });
      case 'endCall':
        controls.endCall(String(v['callId']));
        break;
    }
  } catch (error) {
    return sendJson(res, 409, { error: error instanceof Error ? error.message : String(error) });
  }
  sendJson(res, 200, { ok: true });
}
