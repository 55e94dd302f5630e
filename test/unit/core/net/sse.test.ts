// Issue 8 item 12: SSE framing with a size cap per event and per buffered line/event.
import { describe, expect, it } from 'vitest';
import { createSseFramer, readSse } from '../../../../main/core/net/sse.ts';

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

describe('SSE framing', () => {
  it('frames events across chunk boundaries, skips comments and keeps multi-line data', () => {
    const framer = createSseFramer('h');
    expect(framer.feed(':ping\n\ndata: {"a"')).toEqual([]);
    expect(framer.feed(':1}\n\ndata: x\ndata: y\r\n\r\n').map((e) => e.data)).toEqual(['{"a":1}', 'x\ny']);
  });

  it('refuses an event larger than the per-event cap with a typed error', () => {
    const framer = createSseFramer('ic1:8019', { maxEventBytes: 100, maxBufferChars: 10_000 });
    expect(() => framer.feed(`data: ${'x'.repeat(101)}\n\n`)).toThrow(expect.objectContaining({ code: 'net.sse-too-large', details: { host: 'ic1:8019', what: 'event', limit: 100 } }));
    // Once broken, it stays broken (the caller reconnects).
    expect(() => framer.feed('data: ok\n\n')).toThrow(expect.objectContaining({ code: 'net.sse-too-large' }));
  });

  it('counts bytes, not characters, for the per-event cap', () => {
    expect(() => createSseFramer('h', { maxEventBytes: 100 }).feed(`data: ${'é'.repeat(60)}\n\n`)).toThrow(expect.objectContaining({ code: 'net.sse-too-large' }));
    expect(createSseFramer('h', { maxEventBytes: 120 }).feed(`data: ${'é'.repeat(60)}\n\n`)).toHaveLength(1);
  });

  it('refuses an endless line or an event that never ends (per-buffer cap)', () => {
    const line = createSseFramer('h', { maxBufferChars: 1000 });
    expect(() => {
      for (let i = 0; i < 20; i++) line.feed('y'.repeat(100));
    }).toThrow(expect.objectContaining({ code: 'net.sse-too-large', details: expect.objectContaining({ what: 'buffer' }) }));
    const event = createSseFramer('h', { maxBufferChars: 1000, maxEventBytes: 1_000_000 });
    expect(() => {
      for (let i = 0; i < 20; i++) event.feed(`data: ${'z'.repeat(90)}\n`);
    }).toThrow(expect.objectContaining({ code: 'net.sse-too-large', details: expect.objectContaining({ what: 'buffer' }) }));
  });

  it('readSse hands each event to the caller and calls onChunk per chunk', async () => {
    const seen: string[] = [];
    let chunkCount = 0;
    await readSse(chunks('data: 1\n', '\ndata: 2\n\n'), { host: 'h', onEvent: (data) => seen.push(data), onChunk: () => void chunkCount++ });
    expect(seen).toEqual(['1', '2']);
    expect(chunkCount).toBe(2);
  });
});
