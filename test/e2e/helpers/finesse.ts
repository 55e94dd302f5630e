// Finesse helpers for the e2e journeys: the lab's HTTP controls and request log (lab/README.md
// "Controls"), and the session snapshots the renderer receives over the browser shell's WebSocket.
import { expect, type Page } from '@playwright/test';

export interface LabRequest {
  time: string;
  node: string;
  method: string;
  path: string;
  status: number;
  auth: string;
}

export async function labControl(origin: string, path: string, body: unknown = {}): Promise<void> {
  const res = await fetch(`${origin}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.ok, `lab control ${path} answered ${res.status}`).toBe(true);
}

export async function labRequests(origin: string): Promise<LabRequest[]> {
  const res = await fetch(`${origin}/lab/finesse/requests`);
  expect(res.ok).toBe(true);
  const body = (await res.json()) as LabRequest[] | { requests: LabRequest[] };
  return Array.isArray(body) ? body : body.requests;
}

/** The other node of a lab pair, from the primary's SystemInfo (secondaryNode host + port). */
export async function secondaryOrigin(primary: string): Promise<string> {
  const xml = await (await fetch(`${primary}/finesse/api/SystemInfo`)).text();
  const block = /<secondaryNode>([\s\S]*?)<\/secondaryNode>/.exec(xml)?.[1] ?? '';
  const host = /<host>([^<]+)<\/host>/.exec(block)?.[1];
  const port = /<httpsPort>(\d+)<\/httpsPort>/.exec(block)?.[1];
  expect(host && port, 'the primary names its secondary node').toBeTruthy();
  return `http://${host}:${port}`;
}

export interface SeenState {
  profileId: string;
  phase: string;
  server?: string;
  token?: { expiresAt?: string; refreshAt?: string };
  agent?: { stateId: string; label: string };
}

/** Records every `session.state` event the page's bridge receives (the data the screen renders). */
export function recordSessionStates(page: Page): SeenState[] {
  const seen: SeenState[] = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', ({ payload }) => {
      if (typeof payload !== 'string') return;
      try {
        const frame = JSON.parse(payload) as { kind?: string; event?: string; payload?: SeenState };
        if (frame.kind === 'event' && frame.event === 'session.state' && frame.payload) seen.push(frame.payload);
      } catch {
        // not a JSON frame
      }
    });
  });
  return seen;
}
