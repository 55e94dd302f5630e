// main/core/platforms/freshness.ts on its own: which answer may be shown, what replays, and that a
// finished read stops recording (a ticket left open would keep every later event for a whole shift).
import { describe, expect, it } from 'vitest';
import { Freshness } from '../../../../main/core/platforms/freshness.ts';

describe('Freshness', () => {
  it('an answer is current until an event of its own kind arrives; other kinds do not count', () => {
    const f = new Freshness<'presence' | 'routing', string>();
    f.event('presence'); // before the read: does not count against it
    const ticket = f.begin();
    expect(f.current(ticket, 'presence')).toBe(true);
    f.event('routing');
    expect(f.current(ticket, 'presence')).toBe(true);
    expect(f.current(ticket, 'routing')).toBe(false);
    f.event('presence');
    expect(f.current(ticket, 'presence')).toBe(false);
  });

  it('item events replay on every read still out, in order, and not on one that ended', () => {
    const f = new Freshness<'x', number>();
    f.item(0);
    const first = f.begin();
    f.item(1);
    const second = f.begin();
    f.item(2);
    f.end(first);
    f.item(3);
    expect(first.items).toEqual([1, 2]);
    expect(second.items).toEqual([2, 3]);
  });

  it('read() ends its ticket when the work succeeds and when it fails', async () => {
    const f = new Freshness<'x', number>();
    let kept: { items: number[] } | undefined;
    expect(await f.read(async (ticket) => ((kept = ticket), 'answer'))).toBe('answer');
    f.item(1);
    expect(kept?.items).toEqual([]);
    let failed: { items: number[] } | undefined;
    await expect(
      f.read(async (ticket) => {
        failed = ticket;
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    f.item(2);
    expect(failed?.items).toEqual([]);
  });
});
