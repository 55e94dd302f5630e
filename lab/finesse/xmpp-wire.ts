// The Finesse lab's XMPP wire: namespaces, RFC 7395 frame parsing (RFC 6120 §11.1 restricted XML),
// RFC 4616 SASL PLAIN decoding and the stanzas the service sends, as pure functions (xmpp.ts holds
// the sessions and decides).
import { randomBytes, randomUUID } from 'node:crypto';
import { Parser, createElement } from 'ltx';
import type { Element } from 'ltx';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const NS_FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';
export const NS_STREAM = 'http://etherx.jabber.org/streams';
export const NS_STREAMS_ERR = 'urn:ietf:params:xml:ns:xmpp-streams';
export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
export const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
export const NS_SESSION = 'urn:ietf:params:xml:ns:xmpp-session';
export const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
export const NS_CLIENT = 'jabber:client';
export const NS_PING = 'urn:xmpp:ping';
export const NS_ROSTER = 'jabber:iq:roster';
export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
export const NS_PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';
export const NS_PUSH = 'urn:xmpp:push:0';

/** Only used to count top-level elements (ltx keeps the first root and ignores the rest). */
const rootCounter = new XMLParser({ preserveOrder: true, processEntities: false, ignoreAttributes: true, ignoreDeclaration: true, ignorePiTags: true });

export type ParsedFrame = { ok: true; element: Element } | { ok: false; condition: 'restricted-xml' | 'not-well-formed' };

/**
 * One RFC 7395 frame = exactly one complete element. RFC 6120 §11.1: no DTDs, comments, processing
 * instructions or non-predefined entities — refused as restricted-xml before any parsing.
 */
export function parseFrame(text: string): ParsedFrame {
  let at = text.indexOf('<!');
  while (at !== -1) {
    if (!text.startsWith('<![CDATA[', at)) return { ok: false, condition: 'restricted-xml' };
    at = text.indexOf('<!', at + 2);
  }
  if (text.includes('<?')) return { ok: false, condition: 'restricted-xml' };
  if (XMLValidator.validate(text) !== true) return { ok: false, condition: 'not-well-formed' };
  let topLevel: unknown;
  try {
    topLevel = rootCounter.parse(text);
  } catch {
    return { ok: false, condition: 'not-well-formed' };
  }
  if (!Array.isArray(topLevel) || topLevel.filter((n) => typeof n === 'object' && n !== null && !('#text' in n)).length !== 1) {
    return { ok: false, condition: 'not-well-formed' };
  }
  const roots: Element[] = [];
  const parser = new Parser();
  let failed = false;
  parser.on('tree', (el: Element) => roots.push(el));
  parser.on('error', () => {
    failed = true;
  });
  try {
    parser.write(text);
    parser.end('');
  } catch {
    failed = true; // ltx throws on entities other than the predefined ones
  }
  if (failed || roots[0] === undefined) return { ok: false, condition: 'not-well-formed' };
  return { ok: true, element: roots[0] };
}

export function id(): string {
  return randomBytes(6).toString('hex');
}

export type PlainCredentials = { ok: true; authcid: string; password: string } | { ok: false; condition: 'incorrect-encoding' | 'invalid-authzid' };

/** RFC 4616 PLAIN: [authzid] NUL authcid NUL passwd; an authzid must name the authcid (bare JID or itself). */
export function decodePlain(text: string, domain: string): PlainCredentials {
  const raw = text.trim();
  if (raw === '' || raw === '=' || !/^[A-Za-z0-9+/]+={0,2}$/.test(raw)) return { ok: false, condition: 'incorrect-encoding' };
  const parts = Buffer.from(raw, 'base64').toString('utf8').split('\u0000');
  if (parts.length !== 3) return { ok: false, condition: 'incorrect-encoding' };
  const [authzid, authcid, password] = parts as [string, string, string];
  const bare = `${authcid.toLowerCase()}@${domain.toLowerCase()}`;
  if (authzid !== '' && authzid.toLowerCase() !== bare && authzid.toLowerCase() !== authcid.toLowerCase()) return { ok: false, condition: 'invalid-authzid' };
  return { ok: true, authcid, password };
}

export function streamErrorElement(condition: string): Element {
  return createElement('stream:error', { 'xmlns:stream': NS_STREAM }, createElement(condition, { xmlns: NS_STREAMS_ERR }));
}

export function closeElement(): Element {
  return createElement('close', { xmlns: NS_FRAMING });
}

/** An iq result answering `iq`; `to` is the full JID once a resource is bound. */
export function iqResultElement(iq: Element, from: string | undefined, to: string | undefined, child?: Element): Element {
  const attrs: Record<string, string> = { xmlns: NS_CLIENT, type: 'result', id: String(iq.attrs['id'] ?? '') };
  if (from !== undefined) attrs['from'] = from;
  if (to !== undefined) attrs['to'] = to;
  const result = createElement('iq', attrs);
  if (child !== undefined) result.cnode(child);
  return result;
}

export function iqErrorElement(iq: Element, type: 'cancel' | 'modify' | 'auth', condition: string): Element {
  const attrs: Record<string, string> = { xmlns: NS_CLIENT, type: 'error', id: String(iq.attrs['id'] ?? '') };
  if (typeof iq.attrs['to'] === 'string') attrs['from'] = iq.attrs['to'];
  return createElement('iq', attrs, createElement('error', { type }, createElement(condition, { xmlns: NS_STANZAS })));
}

/** XEP-0060 event carrying a Finesse `<Update>` in a push `<notification>` ([POK] envelope). */
export function pubsubEventMessage(from: string, to: string, node: string, updateXml: string): Element {
  const message = createElement('message', { xmlns: NS_CLIENT, from, to, id: id() });
  message
    .c('event', { xmlns: NS_PUBSUB_EVENT })
    .c('items', { node })
    .c('item', { id: randomUUID() })
    .c('notification', { xmlns: NS_PUSH })
    .t(updateXml);
  return message;
}
