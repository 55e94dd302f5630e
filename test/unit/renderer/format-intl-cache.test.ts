// issue 15 item 2: format.ts keeps its Intl formatters instead of building them per call; the cache
// must still follow the agent's language and keep each kind of format apart.
import { afterEach, describe, expect, it } from 'vitest';
import { agoText, clockTime, durationWords } from '../../../renderer/format.ts';
import { setLocale } from '../../../renderer/i18n/index.ts';

describe('format.ts Intl formatters (kept between calls)', () => {
  afterEach(() => setLocale('en'));

  it('follows a language switch after a formatter was kept', async () => {
    const english = agoText(12);
    expect(english).toBe(new Intl.RelativeTimeFormat('en', { numeric: 'always', style: 'short' }).format(-12, 'second'));
    await setLocale('de');
    expect(agoText(12)).toBe(new Intl.RelativeTimeFormat('de', { numeric: 'always', style: 'short' }).format(-12, 'second'));
    expect(agoText(12)).not.toBe(english);
    expect(durationWords(60 * 1234)).toContain('1.234'); // German grouping
    await setLocale('en');
    expect(agoText(12)).toBe(english);
    expect(durationWords(60 * 1234)).toContain('1,234');
  });

  it('keeps the clock with seconds apart from the clock without', () => {
    const iso = '2025-01-01T10:04:05.000Z';
    const at = new Date(iso);
    const short = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit' }).format(at);
    const long = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(at);
    expect(clockTime(iso)).toBe(short);
    expect(clockTime(iso, true)).toBe(long);
    expect(clockTime(iso)).toBe(short);
  });
});
