// The client's XMPP link (main/core/platforms/finesse/xmpp-link.ts) over the Finesse lab: a request the
// server never answers must end when the connection goes — @xmpp/iq keeps it (and a 24 h timer) forever
// otherwise, one per drop over a shift (bench/shift-soak timers grew 3 → 44 in 24 h before the fix).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFinesseLab, type FinesseLab } from '../../../lab/finesse/lab.ts';
import { isPatchbayError } from '../../../main/core/errors.ts';
import { createXmppLink, xml } from '../../../main/core/platforms/finesse/xmpp-link.ts';

let lab: FinesseLab;

beforeAll(async () => {
  lab = await startFinesseLab();
});

afterAll(async () => {
  await lab?.close();
});

function link() {
  return createXmppLink({ service: lab.primary.xmppUrl, domain: lab.xmppDomain, username: '98412', password: 'jdoe-lab-pw', resource: 'patchbay-pending', allowCleartext: true });
}

const ping = () => xml('iq', { type: 'get', to: lab.xmppDomain }, xml('ping', { xmlns: 'urn:xmpp:ping' }));

async function settled(promise: Promise<unknown>, withinMs: number): Promise<{ settled: boolean; value?: unknown }> {
  return Promise.race([
    promise.then((value) => ({ settled: true, value }), (value: unknown) => ({ settled: true, value })),
    new Promise<{ settled: boolean }>((r) => setTimeout(() => r({ settled: false }), withinMs)),
  ]);
}

it('an unanswered request fails with the link when the server cuts the connection', async () => {
  const l = link();
  await l.start();
  try {
    lab.silenceXmpp(true);
    const pending = l.request(ping());
    expect((await settled(pending, 300)).settled).toBe(false); // the server really does not answer
    lab.dropXmpp();
    const outcome = await settled(pending, 5_000);
    expect(outcome.settled).toBe(true);
    // A cut socket surfaces as an error event first, then a disconnect: either ends the request.
    expect(isPatchbayError(outcome.value) && outcome.value.code).toMatch(/^finesse\.xmpp\.(failed|disconnected)$/);
  } finally {
    lab.silenceXmpp(false);
    await l.stop();
  }
});

it('an unanswered request fails when the client stops the link', async () => {
  const l = link();
  await l.start();
  lab.silenceXmpp(true);
  try {
    const pending = l.request(ping());
    expect((await settled(pending, 300)).settled).toBe(false);
    await l.stop();
    const outcome = await settled(pending, 5_000);
    expect(outcome.settled).toBe(true);
    expect(isPatchbayError(outcome.value) && outcome.value.code).toBe('finesse.xmpp.disconnected');
  } finally {
    lab.silenceXmpp(false);
  }
});

it('answered requests are unaffected: a ping gets its result', async () => {
  const l = link();
  await l.start();
  try {
    const answer = await l.request(ping());
    expect(answer.attrs['type']).toBe('result');
  } finally {
    await l.stop();
  }
});
