import { describe, expect, it } from 'vitest';
import { defaultLanguage, durationWords, minutesSince, phaseText, slugify } from '../../../renderer/format.ts';

describe('phaseText', () => {
  const now = Date.parse('2025-01-01T10:00:00.000Z');

  it('counts down to the next reconnect attempt and names attempt and host when reconnecting', () => {
    const text = phaseText(
      {
        phase: 'reconnecting',
        connection: { transport: 'sse', reconnectAttempt: 2, nextAttemptAt: '2025-01-01T10:00:17.400Z', nextHost: 'ic2.example.com' },
      },
      now,
    );
    expect(text).toBe('Reconnecting — next attempt in 18 s (attempt 2, host ic2.example.com)');
  });

  it('says trying now when the next attempt time has passed', () => {
    expect(phaseText({ phase: 'reconnecting', connection: { transport: 'none', nextAttemptAt: '2025-01-01T09:59:00Z' } }, now)).toBe(
      'Reconnecting — trying now',
    );
  });

  it('uses plain words for the other phases', () => {
    expect(phaseText({ phase: 'awaiting-user' }, now)).toBe('Waiting for you in the sign-in window');
    expect(phaseText({ phase: 'signing-in' }, now)).toBe('Signing in…');
    expect(phaseText({ phase: 'active' }, now)).toBe('Signed in');
  });
});

describe('small formatters', () => {
  it('gives whole minutes since a state started and hours past sixty', () => {
    expect(minutesSince('2025-01-01T09:47:30Z', Date.parse('2025-01-01T10:00:00Z'))).toBe(12);
    expect(durationWords(135)).toBe('2 h 15 min');
  });

  it('derives an id the contract accepts from a profile name', () => {
    expect(slugify('  Paris Desk — Été 2025! ')).toBe('paris-desk-ete-2025');
    expect(slugify('---')).toBe('');
  });

  it('falls back to en-US when the browser language is not a valid tag', () => {
    expect(defaultLanguage('fr-FR')).toBe('fr-FR');
    expect(defaultLanguage('')).toBe('en-US');
    expect(defaultLanguage('not a tag')).toBe('en-US');
  });

  it('defaults to the OS locale only when it is a real, offered language [ICWS-01]', () => {
    expect(defaultLanguage('de-de')).toBe('de-DE');
    expect(defaultLanguage('english')).toBe('en-US');
    expect(defaultLanguage('zzzzzzzz')).toBe('en-US');
  });
});
