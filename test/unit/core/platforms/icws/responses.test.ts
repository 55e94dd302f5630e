// The server text an ICWS error shows (RULES.md ICWS-26): verbatim in substance, sanitized and capped.
import { describe, expect, it } from 'vitest';
import { MAX_SERVER_MESSAGE, sanitizeServerMessage, serverError } from '../../../../../main/core/platforms/icws/responses.ts';
import type { HttpResponse } from '../../../../../main/core/net/types.ts';

const res = (status: number) => ({ status }) as HttpResponse;

describe('ICWS server messages [ICWS-26]', () => {
  it('keeps the text, drops control and bidi-override characters, collapses whitespace [ICWS-26]', () => {
    expect(sanitizeServerMessage('  The license\u0000 is\u202e missing.\r\n\tCall IT. ')).toBe('The license is missing. Call IT.');
    expect(sanitizeServerMessage('\u0007\u200e\u2066 ')).toBeUndefined();
    expect(sanitizeServerMessage(undefined)).toBeUndefined();
  });

  it('caps a long message with an ellipsis at exactly the limit [ICWS-26]', () => {
    expect(sanitizeServerMessage('a'.repeat(MAX_SERVER_MESSAGE))).toBe('a'.repeat(MAX_SERVER_MESSAGE));
    const long = sanitizeServerMessage('b'.repeat(MAX_SERVER_MESSAGE + 1))!;
    expect(long).toBe(`${'b'.repeat(MAX_SERVER_MESSAGE - 1)}…`);
    expect(MAX_SERVER_MESSAGE).toBe(300);
  });

  it('a typed error with the server text, else the fallback; status and errorId in the details [ICWS-26]', () => {
    const e = serverError(res(500), { errorId: 'error.x', message: 'Database offline.' }, 'icws.connect.failed', 'The server answered 500.', 'retry');
    expect({ code: e.code, message: e.message, action: e.action, details: e.details }).toEqual({ code: 'icws.connect.failed', message: 'Database offline.', action: 'retry', details: { status: 500, errorId: 'error.x' } });
    expect(serverError(res(502), { message: ' \u0000 ' }, 'c', 'Fallback.', 'none').message).toBe('Fallback.');
    expect(serverError(res(502), undefined, 'c', 'Fallback.', 'none').details).toEqual({ status: 502, errorId: undefined });
  });
});
