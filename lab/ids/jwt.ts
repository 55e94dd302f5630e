// RS256 JWS compact tokens as Cisco IdS issues them (header {"cty":"JWT","alg":"RS256"}, shared/protocols
// finesse.md §2). Only this one algorithm is produced or accepted: verify() refuses any other header alg.
import { sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

const HEADER = { cty: 'JWT', alg: 'RS256' } as const;

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export function signJwt(payload: Record<string, unknown>, privateKey: KeyObject): string {
  const signingInput = `${b64url(JSON.stringify(HEADER))}.${b64url(JSON.stringify(payload))}`;
  const signature = cryptoSign('sha256', Buffer.from(signingInput), privateKey);
  return `${signingInput}.${b64url(signature)}`;
}

export type JwtVerifyResult = { ok: true; payload: Record<string, unknown> } | { ok: false; reason: 'malformed' | 'algorithm' | 'signature' };

const B64URL = /^[A-Za-z0-9_-]+$/;

export function verifyJwt(token: string, publicKey: KeyObject): JwtVerifyResult {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) return { ok: false, reason: 'malformed' };
  const [h, p, s] = parts as [string, string, string];
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof header !== 'object' || header === null || (header as { alg?: unknown }).alg !== 'RS256') return { ok: false, reason: 'algorithm' };
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { ok: false, reason: 'malformed' };
  const valid = cryptoVerify('sha256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, 'base64url'));
  if (!valid) return { ok: false, reason: 'signature' };
  return { ok: true, payload: payload as Record<string, unknown> };
}

/** Decodes without verifying (lab introspection and tests only). */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (part === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
