// The XMPP link's SASL mechanism choice (main/core/platforms/finesse/xmpp-link.ts), against a scripted
// XMPP-over-WebSocket server on 127.0.0.1 that offers the mechanisms a test names and refuses every
// <auth/> (the Finesse lab offers PLAIN only, so it cannot tell the choice). finesse.md §5: the SSO
// access token is the XMPP password (INFERRED SASL PLAIN) — a bearer secret, not a SCRAM password —
// so PLAIN goes first when offered, and ANONYMOUS never. Session 5 MUT-FINORCH (docs/mutation.md).
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { PatchbayError } from '../../../../../main/core/errors.ts';
import { createXmppLink } from '../../../../../main/core/platforms/finesse/xmpp-link.ts';
import { rejection } from '../../../../helpers/errors.ts';
import { waitFor } from '../../../../helpers/wait.ts';

const servers: WebSocketServer[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** Offers `mechanisms`, records each <auth/> mechanism and answers it with <failure><not-authorized/>. */
async function scriptedServer(mechanisms: string[], failure = 'not-authorized'): Promise<{ url: string; auths: { mechanism: string; payload: string }[] }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (p) => (p.has('xmpp') ? 'xmpp' : false) });
  servers.push(wss);
  await new Promise((r) => wss.once('listening', r));
  const auths: { mechanism: string; payload: string }[] = [];
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('<open')) {
        ws.send('<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" from="fin.example" id="s1" version="1.0" xml:lang="en"/>');
        const offered = mechanisms.map((m) => `<mechanism>${m}</mechanism>`).join('');
        ws.send(`<stream:features xmlns:stream="http://etherx.jabber.org/streams"><mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl">${offered}</mechanisms></stream:features>`);
      } else if (text.startsWith('<auth')) {
        const match = /mechanism="([^"]+)"[^>]*>([^<]*)</.exec(text);
        auths.push({ mechanism: match?.[1] ?? '', payload: match?.[2] ?? '' });
        ws.send(`<failure xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><${failure}/></failure>`);
      } else if (text.startsWith('<close')) {
        ws.send('<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>');
        ws.close();
      }
    });
  });
  return { url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/ws`, auths };
}

function link(url: string) {
  return createXmppLink({ service: url, domain: 'fin.example', username: '98412', password: 'the-sso-access-token', resource: 'patchbay-sasl' });
}

describe('XMPP link: SASL mechanism [§5]', () => {
  it('takes PLAIN whenever it is offered, even after SCRAM: the SSO token is a bearer secret [§5 INFERRED]', async () => {
    const server = await scriptedServer(['SCRAM-SHA-1', 'PLAIN']);
    const error = await rejection(link(server.url).start());
    expect(server.auths.map((a) => a.mechanism)).toEqual(['PLAIN']);
    // RFC 4616: [authzid] NUL authcid NUL passwd — the agent id and the token as they are.
    expect(Buffer.from(server.auths[0]!.payload, 'base64').toString('utf8')).toBe('\u000098412\u0000the-sso-access-token');
    expect(error).toMatchObject({ code: 'finesse.xmpp.auth-failed', action: 'sign-in-again', details: { condition: 'not-authorized' } });
  });

  it('without PLAIN takes the first other mechanism the server offers, never ANONYMOUS [§5]', async () => {
    const server = await scriptedServer(['ANONYMOUS', 'SCRAM-SHA-1']);
    await rejection(link(server.url).start());
    expect(server.auths.map((a) => a.mechanism)).toEqual(['SCRAM-SHA-1']);
  });

  it('a server offering only ANONYMOUS is "contact IT", never retried for ever, and is sent no sign-in [§5]', async () => {
    const server = await scriptedServer(['ANONYMOUS']);
    const error = await rejection(link(server.url).start());
    expect(error).toMatchObject({ code: 'finesse.xmpp.no-mechanism', action: 'contact-it' });
    expect(error.message).toBe('The notification server offers no usable sign-in method.');
    expect(server.auths).toEqual([]);
  });

  it('a refused sign-in names the server\'s SASL condition [§5]', async () => {
    const server = await scriptedServer(['PLAIN'], 'account-disabled');
    const error = await rejection(link(server.url).start());
    expect(error).toMatchObject({ code: 'finesse.xmpp.auth-failed', action: 'sign-in-again', details: { condition: 'account-disabled' } });
    expect(error.message).toMatch(/refused the sign-in \(account-disabled\)\.$/);
  });
});

/** Signs anyone in (PLAIN, then resource binding) and lets the test end the stream as a server does
 *  on an orderly shutdown: `<close/>` and a clean WebSocket close (RFC 7395 §3.6), no stream error and
 *  no transport error before it (the lab's drops and its shutdown both have one). */
async function onlineServer(): Promise<{ url: string; host: string; closeCleanly(): void }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (p) => (p.has('xmpp') ? 'xmpp' : false) });
  servers.push(wss);
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (ws) => {
    let signedIn = false;
    ws.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('<open')) {
        ws.send('<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" from="fin.example" id="s1" version="1.0" xml:lang="en"/>');
        ws.send(
          signedIn
            ? '<stream:features xmlns:stream="http://etherx.jabber.org/streams"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></stream:features>'
            : '<stream:features xmlns:stream="http://etherx.jabber.org/streams"><mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>PLAIN</mechanism></mechanisms></stream:features>',
        );
      } else if (text.startsWith('<auth')) {
        signedIn = true;
        ws.send('<success xmlns="urn:ietf:params:xml:ns:xmpp-sasl"/>');
      } else if (text.startsWith('<iq') && text.includes('urn:ietf:params:xml:ns:xmpp-bind')) {
        const id = /id="([^"]+)"/.exec(text)?.[1] ?? '';
        ws.send(`<iq xmlns="jabber:client" type="result" id="${id}"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>98412@fin.example/patchbay-close</jid></bind></iq>`);
      } else if (text.startsWith('<close')) {
        ws.send('<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>');
        ws.close(1000);
      }
    });
  });
  const { port } = wss.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    host: `127.0.0.1:${port}`,
    closeCleanly() {
      for (const ws of wss.clients) {
        ws.send('<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>');
        ws.close(1000);
      }
    },
  };
}

const onlineLink = (url: string) =>
  createXmppLink({ service: url, domain: 'fin.example', username: '98412', password: 'the-sso-access-token', resource: 'patchbay-close' });

/** Lets the sockets' last events arrive before "nothing more happened" is asserted. */
const settle = (ms = 200) => new Promise((r) => setTimeout(r, ms));

// Session 5, MUT-FIN4 (docs/mutation.md): the stream ending without any error, and a second start().
describe('XMPP link: the server ends the stream, start() twice [§5]', () => {
  it('a clean close by the server (<close/>, WebSocket 1000) reaches onDown once as "closed", retried, naming the host [§5]', async () => {
    const server = await onlineServer();
    const l = onlineLink(server.url);
    const down: PatchbayError[] = [];
    l.onDown((e) => down.push(e));
    expect(await l.start()).toBe('98412@fin.example/patchbay-close');
    server.closeCleanly();
    await waitFor(() => down.length > 0, 'onDown after the clean close');
    await settle();
    expect(down).toHaveLength(1);
    expect(down[0]).toMatchObject({ code: 'finesse.xmpp.disconnected', action: 'retry', details: { host: server.host } });
    expect(down[0]!.message).toBe(`The notification connection to ${server.host} closed.`);
    await l.stop();
  });

  it('start() on a link already started is refused as "cannot open" (the library says "not offline"), not a second connection', async () => {
    const server = await onlineServer();
    const l = onlineLink(server.url);
    await l.start();
    const error = await rejection(l.start());
    expect(error).toMatchObject({ code: 'finesse.xmpp.unreachable', action: 'retry', details: { host: server.host } });
    expect((error.cause as Error).message).toBe('Connection is not offline');
    await l.stop();
  });
});
