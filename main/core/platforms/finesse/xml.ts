// Safe XML reading and writing for Finesse (protocols/finesse.md §4): fast-xml-parser with entity
// processing off and any DOCTYPE refused up front, so neither XXE nor entity expansion ("billion
// laughs") can happen; only the five predefined entities and character references are decoded,
// one reference → one character.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PatchbayError } from '../../errors.ts';

/** A parsed element: child elements by lower-cased name, text as `#text`, attributes as `@_name`. */
export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const parser = new XMLParser({
  processEntities: false, // no DTD entities, ever (XXE / billion laughs)
  htmlEntities: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false, // every value stays a string; zod converts
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Finesse REST says <User>/<ReasonCode>, its XMPP updates say <user>/<reasonCode>: compare lower-cased.
  transformTagName: (name: string) => name.toLowerCase(),
  maxNestedTags: 64,
});

const HTML_START = /^\s*(<!--[\s\S]*?-->\s*)*<(html|head|body|!doctype\s+html)\b/i;

export function badXml(reason: string, what: string): PatchbayError {
  // No cause: the parser's message may quote the document.
  return new PatchbayError('finesse.bad-xml', `The Finesse server sent ${what} that Patchbay could not read (${reason}).`, {
    action: 'contact-it',
    details: { reason },
  });
}

/** Parses an XML document into a lower-cased tree. Throws `finesse.bad-xml` for malformed XML, any
 *  DOCTYPE or entity declaration, and HTML. `what` names the document in the message. */
export function parseXml(text: string, what = 'an answer'): XmlNode {
  if (HTML_START.test(text)) throw badXml('a web page instead of XML', what);
  // Refuse DTDs outright rather than trusting a parser option: no legitimate Finesse document has one.
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) throw badXml('a document type declaration', what);
  if (text.trim() === '') throw badXml('an empty body', what);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw badXml(`malformed XML at line ${valid.err.line}`, what);
  let tree: unknown;
  try {
    tree = parser.parse(text);
  } catch {
    throw badXml('malformed XML', what);
  }
  if (!tree || typeof tree !== 'object') throw badXml('no root element', what);
  return decodeTree(tree) as XmlNode;
}

/** The five predefined entities and numeric character references (XML 1.0 §4.1, §4.6), one pass. */
export function decodeXmlText(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole, ref: string) => {
    switch (ref) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function decodeTree(value: unknown): XmlValue {
  if (typeof value === 'string') return decodeXmlText(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(decodeTree);
  if (value && typeof value === 'object') {
    const out: XmlNode = {};
    for (const [key, child] of Object.entries(value)) out[key] = decodeTree(child);
    return out;
  }
  return '';
}

/** Builds `<root><a>v</a>…</root>` from ordered [name, value | children] pairs; values escaped. */
export type XmlBuild = [string, string | XmlBuild[]];
export function buildXml(root: string, children: XmlBuild[]): string {
  const render = ([name, value]: XmlBuild): string =>
    typeof value === 'string' ? `<${name}>${escapeXml(value)}</${name}>` : `<${name}>${value.map(render).join('')}</${name}>`;
  return render([root, children]);
}
