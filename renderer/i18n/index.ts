// vue-i18n for the renderer (issue 13 item 11): English and German, chosen from the OS locale and
// switchable in Settings. vue-i18n 11 compiles messages to an AST and interprets it (no eval or
// new Function), so the renderer's CSP (script-src 'self') holds with the esm-bundler build.
import { createI18n } from 'vue-i18n';
import { de } from './de.ts';
import { en } from './en.ts';

export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

/** The supported locale for a BCP 47 tag ("de-AT" → de), English when none fits. */
export function pickLocale(tag: string | undefined | null): Locale {
  const base = (tag ?? '').toLowerCase().split(/[-_]/)[0];
  return (LOCALES as readonly string[]).includes(base ?? '') ? (base as Locale) : 'en';
}

export const i18n = createI18n({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en, de },
  missingWarn: false,
  fallbackWarn: false,
});

/** The active locale, for Intl formatters. */
export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale;
}

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/** t() outside components (format.ts, error-words.ts, stores); reactive inside computeds. */
export function t(key: string, named?: Record<string, unknown>): string {
  return named ? i18n.global.t(key, named) : i18n.global.t(key);
}
