// XML in and out of the Finesse REST lab: fast-xml-parser with entity processing OFF; any DOCTYPE
// or entity declaration is refused before parsing (no XXE, no billion laughs).
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

export const XML_CONTENT_TYPE = 'application/xml';

export type XmlParseResult = { ok: true; root: string; value: unknown } | { ok: false; reason: 'empty' | 'doctype' | 'entity' | 'malformed' | 'multiple-roots' };

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 32,
});

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false, processEntities: true });

/** A reference other than the five predefined entities and character references (XML 1.0 §4.1). */
const FOREIGN_ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)/;

export function parseXml(text: string): XmlParseResult {
  if (text.trim() === '') return { ok: false, reason: 'empty' };
  if (/<!DOCTYPE/i.test(text)) return { ok: false, reason: 'doctype' };
  if (/<!ENTITY/i.test(text)) return { ok: false, reason: 'entity' };
  if (FOREIGN_ENTITY.test(text)) return { ok: false, reason: 'entity' };
  if (XMLValidator.validate(text) !== true) return { ok: false, reason: 'malformed' };
  let value: unknown;
  try {
    value = parser.parse(text);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof value !== 'object' || value === null) return { ok: false, reason: 'malformed' };
  const roots = Object.keys(value);
  if (roots.length !== 1) return { ok: false, reason: roots.length === 0 ? 'malformed' : 'multiple-roots' };
  const root = roots[0] as string;
  return { ok: true, root, value: (value as Record<string, unknown>)[root] };
}

/** A child element's text ('' for an empty element); undefined when absent or not plain text. */
export function childText(element: unknown, name: string): string | undefined {
  if (typeof element !== 'object' || element === null) return undefined;
  const child = (element as Record<string, unknown>)[name];
  if (child === undefined) return undefined;
  if (Array.isArray(child)) return undefined; // duplicate tags are not accepted
  if (typeof child === 'string') return child;
  if (typeof child === 'object' && child !== null) {
    const text = (child as Record<string, unknown>)['#text'];
    const keys = Object.keys(child).filter((k) => !k.startsWith('@_'));
    if (keys.length === 0) return '';
    if (keys.length === 1 && typeof text === 'string') return text;
  }
  return undefined;
}

export function buildXml(root: string, value: unknown): string {
  return builder.build({ [root]: value }) as string;
}

/** Finesse ApiErrors body (DG 12.5 "Finesse REST API errors"). */
export interface ApiError {
  errorType: string;
  errorMessage: string;
  errorData?: string;
}

export function apiErrorsXml(errors: ApiError[]): string {
  return buildXml('ApiErrors', {
    ApiError: errors.map((e) => ({ ErrorType: e.errorType, ErrorData: e.errorData ?? '', ErrorMessage: e.errorMessage })),
  });
}
