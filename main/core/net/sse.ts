// Server-sent events with a size cap (issue 8 item 12), like every other body the core reads
// (http-session.ts maxBytes): a server (or anything on the path) that sends one endless line or an
// event that never ends must not grow memory without bound. Framing is eventsource-parser's (WHATWG
// HTML §9.2.6); this file adds the limits and turns a breach into a typed PatchbayError.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { PatchbayError } from '../errors.ts';

/** Largest `data` of one event (ICWS batches a few messages per event; 1 MiB is far above that). */
export const DEFAULT_SSE_MAX_EVENT_BYTES = 1024 * 1024;
/** Largest text held while waiting for the end of a line or event (characters). */
export const DEFAULT_SSE_MAX_BUFFER_CHARS = 2 * 1024 * 1024;

export interface SseLimits {
  maxEventBytes?: number;
  maxBufferChars?: number;
}

export interface SseFramer {
  /** Feeds decoded text; returns the events it completed. Throws PatchbayError `net.sse-too-large`. */
  feed(text: string): EventSourceMessage[];
}

/** An SSE framer with limits; `host` only names the server in the error. */
export function createSseFramer(host: string, limits: SseLimits = {}): SseFramer {
  const maxEventBytes = limits.maxEventBytes ?? DEFAULT_SSE_MAX_EVENT_BYTES;
  const maxBufferChars = limits.maxBufferChars ?? DEFAULT_SSE_MAX_BUFFER_CHARS;
  let pending: EventSourceMessage[] = [];
  let breach: PatchbayError | undefined;
  const tooLarge = (what: 'event' | 'buffer', limit: number) =>
    new PatchbayError('net.sse-too-large', `The event stream from ${host} sent ${what === 'event' ? 'an event' : 'a line or event'} larger than ${limit} ${what === 'event' ? 'bytes' : 'characters'}.`, {
      action: 'retry',
      details: { host, what, limit },
    });
  const parser = createParser({
    maxBufferSize: maxBufferChars,
    onEvent: (event) => {
      // Cheap first test: a UTF-8 byte count is at least the character count and at most 3×.
      if (event.data.length > maxEventBytes || (event.data.length * 3 > maxEventBytes && Buffer.byteLength(event.data) > maxEventBytes)) {
        breach ??= tooLarge('event', maxEventBytes);
        return;
      }
      pending.push(event);
    },
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') breach ??= tooLarge('buffer', maxBufferChars);
      // invalid-retry / unknown-field: ignored, as EventSource does.
    },
  });
  return {
    feed(text) {
      if (breach) throw breach;
      parser.feed(text);
      if (breach) throw breach;
      const out = pending;
      pending = [];
      return out;
    },
  };
}

export interface ReadSseOptions extends SseLimits {
  host: string;
  onEvent(data: string, event: EventSourceMessage): void;
  /** Called for every chunk received (a stall watchdog re-arms here). */
  onChunk?(): void;
}

/** Reads a whole SSE body; returns when it ends, throws PatchbayError `net.sse-too-large` on a breach
 *  (the caller closes the stream and reconnects, as after any interruption). */
export async function readSse(body: AsyncIterable<Uint8Array>, options: ReadSseOptions): Promise<void> {
  const framer = createSseFramer(options.host, options);
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    options.onChunk?.();
    for (const event of framer.feed(decoder.decode(chunk, { stream: true }))) options.onEvent(event.data, event);
  }
}
