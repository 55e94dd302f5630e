// vue-i18n for the renderer (issue 13 item 11): English and German, chosen from the OS locale and
// switchable in Settings. The build precompiles the messages to vue-i18n's AST and ships the
// runtime-only build (vite.config.ts, issue 15 item 5): no message compiler, no eval or new Function,
// so the renderer's CSP (script-src 'self') holds. English is in the entry chunk (the fallback);
// German is its own chunk, fetched only when chosen.
import { createI18n } from 'vue-i18n';
import en from './en.ts';

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
  messages: { en } as { en: typeof en } & Partial<Record<Locale, typeof en>>, // the others arrive by loadLocale
  missingWarn: false,
  fallbackWarn: false,
});

// Every language but English, loaded on demand (a separate chunk each in the build).
const loaders: Record<Exclude<Locale, 'en'>, () => Promise<{ default: unknown }>> = {
  de: () => import('./de.ts'),
};
const loading = new Map<Locale, Promise<boolean>>([['en', Promise.resolve(true)]]);
let wanted: Locale = 'en';

/** Fetch a language's messages once; false (and English stays) when its chunk cannot be loaded. */
export function loadLocale(locale: Locale): Promise<boolean> {
  let pending = loading.get(locale);
  if (!pending) {
    pending = loaders[locale as Exclude<Locale, 'en'>]()
      .then((module) => {
        i18n.global.setLocaleMessage(locale, module.default as typeof en);
        return true;
      })
      .catch((error: unknown) => {
        loading.delete(locale); // a later choice may try again
        console.warn(`[i18n] could not load the ${locale} messages`, error);
        return false;
      });
    loading.set(locale, pending);
  }
  return pending;
}

function apply(locale: Locale): void {
  i18n.global.locale.value = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/** The active locale, for Intl formatters. */
export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale;
}

/**
 * Switch language. English (and any language loaded before) switches at once; another one once its
 * messages have arrived — unless a later call chose differently meanwhile. Never rejects.
 */
export function setLocale(locale: Locale): Promise<void> {
  wanted = locale;
  if (i18n.global.availableLocales.includes(locale)) {
    apply(locale);
    return Promise.resolve();
  }
  return loadLocale(locale).then((ok) => {
    if (ok && wanted === locale) apply(locale);
  });
}

/** t() outside components (format.ts, error-words.ts, stores); reactive inside computeds. */
export function t(key: string, named?: Record<string, unknown>): string {
  return named ? i18n.global.t(key, named) : i18n.global.t(key);
}
