// node:http helpers shared by the lab's emulators: bounded bodies, cookies, loopback check.
// Protocol-specific replies (ICWS JSON, Finesse XML) stay with each emulator.
import type { IncomingMessage } from 'node:http';

/** Past the cap the rest is read and thrown away (so the 413 reaches the client), up to this much. */
const DISCARD_LIMIT = 16 * 1024 * 1024;

export type BodyResult = { kind: 'ok'; text: string } | { kind: 'too-large' } | { kind: 'aborted' };

/** Reads at most `maxBytes`; past that the rest is drained (bounded) so the 413 reaches the client. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > DISCARD_LIMIT) {
      req.resume();
      settle({ kind: 'too-large' });
      return;
    }
    if (Number.isFinite(declared) && declared > maxBytes) tooLarge = true;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        if (size > DISCARD_LIMIT) {
          req.pause();
          settle({ kind: 'too-large' });
        }
        return;
      }
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => settle(tooLarge ? { kind: 'too-large' } : { kind: 'ok', text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () => settle(tooLarge ? { kind: 'too-large' } : { kind: 'aborted' }));
  });
}

/** Cookie header → name/value map (RFC 6265 §5.4 syntax; first occurrence wins; a value may hold `=` and `|`). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (header === undefined) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** True when the peer is on the loopback interface (lab control endpoints are loopback only). */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
