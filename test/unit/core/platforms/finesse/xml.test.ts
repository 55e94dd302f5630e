// Safe XML reading and writing for Finesse (xml.ts; protocols/finesse.md §4): the parser settings that
// shape every tree (lower-cased names, attributes, strings only, trimmed, no declarations), the refusals
// (HTML, DTDs, empty, malformed) and one-pass entity decoding / escaping. Mutation work of docs/mutation.md
// "Session 5, helper MUT-FIN3A"; pure functions.
import { describe, expect, it } from 'vitest';
import { badXml, buildXml, decodeXmlText, escapeXml, parseXml } from '../../../../../main/core/platforms/finesse/xml.ts';
import { thrown } from '../../../../helpers/errors.ts';

describe('parseXml: the tree every Finesse parser reads (§4)', () => {
  it('element names lower-cased, namespace prefixes dropped, declarations and processing instructions left out', () => {
    expect(parseXml('<?xml version="1.0" encoding="UTF-8"?><?pi x?><f:User xmlns:f="urn:x"><LoginId>1</LoginId></f:User>')).toEqual({ user: { loginid: '1' } });
  });

  it('values stay strings exactly as sent (no number or boolean guessing), trimmed; attributes kept as @_name', () => {
    expect(parseXml('<a><id> 007 </id><flag>true</flag><n>1e3</n><host type="fqdn" port="08">h</host></a>')).toEqual({ a: { id: '007', flag: 'true', n: '1e3', host: { '#text': 'h', '@_type': 'fqdn', '@_port': '08' } } });
  });

  it('a repeated element is a list; text and references decoded once', () => {
    expect(parseXml('<r><c>a&amp;lt;</c><c>&#65;&#x42;</c></r>')).toEqual({ r: { c: ['a&lt;', 'AB'] } });
  });

  it('refuses an HTML page, with or without doctype, comments or case: contact IT, the document never quoted', () => {
    for (const page of ['<html><body>x</body></html>', '  <HEAD></HEAD>', '<body/>', '<!-- a --> <!--b--><html/>', '<!DOCTYPE   html><p/>', '\n<!doctype html>']) {
      const e = thrown(() => parseXml(page, 'the user'));
      expect(e, page).toMatchObject({ code: 'finesse.bad-xml', action: 'contact-it', message: 'The Finesse server sent the user that Patchbay could not read (a web page instead of XML).' });
      expect(e.details).toEqual({ reason: 'a web page instead of XML' });
    }
    expect(parseXml('<htmlx>1</htmlx>')).toEqual({ htmlx: '1' });
    expect(parseXml('<bodyguard/>')).toEqual({ bodyguard: '' });
  });

  it('refuses any DOCTYPE or ENTITY declaration in any case (XXE, billion laughs)', () => {
    for (const doc of ['<!doctype u><u/>', '<?xml version="1.0"?><!DocType u [<!ENTITY a "b">]><u>&a;</u>', '<u><!entity a "b"></u>']) {
      expect(thrown(() => parseXml(doc)), doc).toMatchObject({ code: 'finesse.bad-xml', message: 'The Finesse server sent an answer that Patchbay could not read (a document type declaration).' });
    }
  });

  it('an empty or blank body; malformed XML with its line; too deep a nesting', () => {
    expect(thrown(() => parseXml(' \n ', 'a call list')).message).toBe('The Finesse server sent a call list that Patchbay could not read (an empty body).');
    expect(thrown(() => parseXml('<a>\n<b>\n</a>')).details).toEqual({ reason: 'malformed XML at line 3' });
    const deep = `${'<x>'.repeat(80)}${'</x>'.repeat(80)}`;
    expect(thrown(() => parseXml(deep))).toMatchObject({ code: 'finesse.bad-xml', details: { reason: 'malformed XML' } });
    const fine = `${'<x>'.repeat(20)}${'</x>'.repeat(20)}`;
    expect(() => parseXml(fine)).not.toThrow();
  });

  it('badXml names the document and the reason, never a cause', () => {
    const e = badXml('why', 'a thing');
    expect(e).toMatchObject({ code: 'finesse.bad-xml', action: 'contact-it', message: 'The Finesse server sent a thing that Patchbay could not read (why).' });
    expect(e.cause).toBeUndefined();
  });
});

describe('decodeXmlText: XML 1.0 §4.1/§4.6, one pass', () => {
  it('the five predefined entities and decimal / hex character references', () => {
    expect(decodeXmlText('&lt;&gt;&amp;&quot;&apos;')).toBe('<>&"\'');
    expect(decodeXmlText('&#65;&#x42;&#xe9;&#xE9;&#1114111;&#x1F600;')).toBe('ABéé\u{10FFFF}😀');
    expect(decodeXmlText('&amp;lt;')).toBe('&lt;');
  });

  it('anything else stays literal: other names, NUL, beyond U+10FFFF, too many digits, upper-case X, no semicolon', () => {
    for (const literal of ['&nbsp;', '&#0;', '&#x0;', '&#x110000;', '&#1114112;', '&#00000065;', '&#x0000041;', '&#X41;', '&lt', '&LT;', '& amp;', '&#;', '&#x;']) {
      expect(decodeXmlText(literal), literal).toBe(literal);
    }
    expect(decodeXmlText('a&#0065;b')).toBe('aAb');
  });
});

describe('escapeXml / buildXml: the request bodies (§4)', () => {
  it('escapes the five special characters and nothing else', () => {
    expect(escapeXml(`<a href="x">Tom's & co</a> é`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom&apos;s &amp; co&lt;/a&gt; é');
  });

  it('nested elements in the given order, values escaped, empty values as empty elements', () => {
    expect(buildXml('User', [['state', 'LOGIN'], ['extension', '1<2'], ['mobileAgent', [['mode', 'CALL_BY_CALL'], ['dialNumber', '']]]])).toBe(
      '<User><state>LOGIN</state><extension>1&lt;2</extension><mobileAgent><mode>CALL_BY_CALL</mode><dialNumber></dialNumber></mobileAgent></User>',
    );
    expect(buildXml('User', [])).toBe('<User></User>');
  });
});
