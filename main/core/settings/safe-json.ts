// Hostile-input guards for the JSON files Patchbay reads (issue 8 item 10): the IT policy, the
// settings file and profile files. Three things go wrong with naive parsing:
//  - a byte-order mark (PowerShell 5 writes UTF-8 with a BOM, or UTF-16LE with `Out-File`) makes the
//    parser reject the whole file, so a policy's locks silently fail open;
//  - very deep nesting (200k levels) overflows the stack in recursive parsers and validators;
//  - `__proto__` / `constructor` / `prototype` keys reach objects as inherited or prototype-setting
//    members (jsonc-parser assigns `obj[key] = value`).
// Nothing here throws: every outcome is a value the caller turns into a rejection or a typed error.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

/** Deeper than any real policy, settings or profile document (they nest 4–5 levels). */
export const MAX_JSON_DEPTH = 64;

/** Object keys that are never data: they would touch a prototype. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Decodes file bytes as text: a UTF-8 BOM is dropped, a UTF-16 BOM (LE or BE) selects UTF-16. */
export function decodeJsonText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return Buffer.from(bytes.subarray(2)).toString('utf16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const body = Buffer.from(bytes.subarray(2, bytes.length - ((bytes.length - 2) % 2)));
    return body.swap16().toString('utf16le');
  }
  return stripBom(Buffer.from(bytes).toString('utf8'));
}

/** Text without a leading U+FEFF. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The deepest `{`/`[` nesting of JSON(C) text, scanning characters (no recursion, so 200k levels
 *  cost nothing); strings and comments are skipped. Stops counting once `limit` is passed. */
export function nestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2f) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth = Math.max(0, depth - 1);
    }
  }
  return max;
}

export type SafeJsonResult =
  | { ok: true; value: unknown; /** Paths of reserved keys that were left out, e.g. `profiles[0].__proto__`. */ reserved: string[] }
  | { ok: false; problem: 'too-deep' | 'syntax'; reason: string };

export interface SafeJsonOptions {
  /** Comments and trailing commas allowed (the IT policy). */
  jsonc?: boolean;
  maxDepth?: number;
}

/** Parses JSON or JSONC text (BOM already removed or not) into plain data: depth-guarded, with
 *  reserved keys left out and listed. Never throws. */
export function parseJsonSafely(input: string, options: SafeJsonOptions = {}): SafeJsonResult {
  const text = stripBom(input);
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const depth = nestingDepth(text, maxDepth);
  if (depth > maxDepth) return { ok: false, problem: 'too-deep', reason: `nested more than ${maxDepth} levels deep` };
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: options.jsonc === true, disallowComments: options.jsonc !== true, allowEmptyContent: false });
  if (errors.length > 0 || !tree) {
    const first = errors[0];
    if (!first) return { ok: false, problem: 'syntax', reason: 'empty document' };
    const { line, column } = position(text, first.offset);
    return { ok: false, problem: 'syntax', reason: `${printParseErrorCode(first.error)} at line ${line}, column ${column}` };
  }
  const reserved: string[] = [];
  return { ok: true, value: toValue(tree, '', reserved), reserved };
}

// Safe to recurse: the depth was checked above. Properties are defined, never assigned, so a key
// can never reach a setter such as __proto__.
function toValue(node: Node, path: string, reserved: string[]): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const property of node.children ?? []) {
        const [keyNode, valueNode] = property.children ?? [];
        if (!keyNode || typeof keyNode.value !== 'string') continue;
        const key = keyNode.value;
        const at = path ? `${path}.${key}` : key;
        if (RESERVED_KEYS.has(key)) {
          reserved.push(at);
          continue;
        }
        Object.defineProperty(out, key, { value: valueNode ? toValue(valueNode, at, reserved) : undefined, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map((child, index) => toValue(child, `${path}[${index}]`, reserved));
    default:
      return node.value;
  }
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
