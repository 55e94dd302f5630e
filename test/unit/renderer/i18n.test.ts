// issue 13 item 11: German has exactly English's keys (a missing or extra key fails here), every
// message compiles, and the OS locale picks the language. issue 15 item 5: German is loaded only
// when chosen, and a later choice wins over a slower earlier one.
import { afterEach, describe, expect, it } from 'vitest';
import { durationWords, phaseText, sinceText } from '../../../renderer/format.ts';
import { plainError } from '../../../renderer/error-words.ts';
import de from '../../../renderer/i18n/de.ts';
import en from '../../../renderer/i18n/en.ts';
import { currentLocale, i18n, pickLocale, setLocale, t } from '../../../renderer/i18n/index.ts';

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keys(value as object, `${prefix}${key}.`),
  );
}

describe('renderer i18n (issue 13 item 11)', () => {
  afterEach(() => setLocale('en'));

  // First in the file: the module's state is fresh, German not loaded yet.
  it('German is not in the start-up messages; choosing it loads it, and a later choice of English wins', async () => {
    expect(i18n.global.availableLocales).toEqual(['en']);
    const toGerman = setLocale('de'); // its chunk is being fetched
    expect(currentLocale()).toBe('en');
    await setLocale('en'); // the agent changed their mind before German arrived
    await toGerman;
    expect(i18n.global.availableLocales).toContain('de');
    expect(currentLocale()).toBe('en');
    await setLocale('de');
    expect(currentLocale()).toBe('de');
    expect(t('app.settings')).toBe('Einstellungen');
  });

  it('de has exactly the keys of en, none empty', () => {
    const enKeys = keys(en).sort();
    const deKeys = keys(de).sort();
    expect(deKeys.filter((k) => !enKeys.includes(k))).toEqual([]); // extra in de
    expect(enKeys.filter((k) => !deKeys.includes(k))).toEqual([]); // missing in de
    expect(enKeys.length).toBeGreaterThan(50);
    for (const key of deKeys) expect(t(key).length, key).toBeGreaterThan(0);
  });

  it('every message in both languages resolves to text (no raw key, no message syntax error)', async () => {
    for (const locale of ['en', 'de'] as const) {
      await setLocale(locale);
      for (const key of keys(en)) {
        const text = i18n.global.t(key, { name: 'N', path: '/p', n: 2, h: 1, m: 5, seconds: 3, suffix: '', host: 'h', label: 'L', time: '09:00', duration: 'd', timer: '01:00', language: 'x' });
        expect(text, `${locale} ${key}`).not.toBe(key);
      }
    }
  });

  it('the OS locale picks German or English', () => {
    expect(pickLocale('de-DE')).toBe('de');
    expect(pickLocale('de_AT')).toBe('de');
    expect(pickLocale('en-GB')).toBe('en');
    expect(pickLocale('fr-FR')).toBe('en');
    expect(pickLocale(undefined)).toBe('en');
  });

  it('words and times follow the chosen language (Intl)', async () => {
    const now = Date.parse('2025-01-01T10:00:00Z');
    await setLocale('de');
    expect(durationWords(135)).toBe('2 Std. 15 Min.');
    expect(phaseText({ phase: 'active' }, now)).toBe('Angemeldet');
    expect(phaseText({ phase: 'reconnecting', connection: { transport: 'sse', nextAttemptAt: '2025-01-01T10:00:12Z', reconnectAttempt: 2 } }, now)).toBe(
      'Verbindung wird wiederhergestellt — nächster Versuch in 12 s (Versuch 2)',
    );
    expect(sinceText('2025-01-01T09:48:00Z', now)).toMatch(/^seit \d\d:\d\d \(12 Min\.\)$/);
    expect(plainError({ code: 'finesse.unauthorized', message: 'x', action: 'none' }).sentence).toBe(
      'Ihre Anmeldung ist beendet. Melden Sie sich erneut an, um weiter Anrufe anzunehmen.',
    );
    setLocale('en');
    expect(durationWords(135)).toBe('2 h 15 min');
    expect(phaseText({ phase: 'active' }, now)).toBe('Signed in');
  });
});
