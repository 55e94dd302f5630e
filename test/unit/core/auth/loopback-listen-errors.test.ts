// The loopback listener's listen failures other than a busy port (issue 9, docs/mutation.md "Session 5,
// final sweep (SWEEP-B)"): as root, and on 127.0.0.1 with a free port, no real listen fails with anything
// but EADDRINUSE, so `net.Server.prototype.listen` is replaced here by one that emits the error the
// kernel would (EACCES for a privileged port as a user, EMFILE when out of descriptors). No socket opens.
import { Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenForRedirect } from '../../../../main/core/auth/loopback-redirect.ts';
import { FakeClock } from '../../../../main/core/clock.ts';
import type { PatchbayError } from '../../../../main/core/errors.ts';

const realListen = Server.prototype.listen;
afterEach(() => {
  Server.prototype.listen = realListen;
});

function failListenWith(code: string): Error {
  const error = Object.assign(new Error(`listen ${code} 127.0.0.1:48620`), { code });
  Server.prototype.listen = function (this: Server) {
    process.nextTick(() => this.emit('error', error));
    return this;
  } as unknown as typeof realListen;
  return error;
}

const listen = () =>
  listenForRedirect({ redirectUri: 'http://127.0.0.1:48620/callback', state: 's', clock: new FakeClock(), timeoutMs: 1_000 }).then(
    () => undefined,
    (e: unknown) => e as PatchbayError,
  );

describe('a listen that fails', () => {
  it('for a port the user may not bind (EACCES) is the port error for IT, naming port and reason', async () => {
    failListenWith('EACCES');
    expect(await listen()).toMatchObject({
      code: 'login.redirect-port-busy',
      action: 'contact-it',
      message: 'Port 48620 on this computer, where the sign-in returns to Patchbay, is used by another program. Close it and try again, or ask IT.',
      details: { port: 48620, reason: 'EACCES' },
    });
  });

  it('for any other reason (out of descriptors) is a retryable error that keeps the cause, not a busy port', async () => {
    const cause = failListenWith('EMFILE');
    const error = await listen();
    expect(error).toMatchObject({ code: 'login.redirect-unavailable', action: 'retry', message: 'Patchbay could not listen for the sign-in to return.' });
    expect(error?.cause).toBe(cause);
    expect(error?.details).toEqual({});
  });
});
