// Contract: the session languages a profile offers, without zod: the renderer's first paint formats
// with profileLanguage and must not load zod for it (issue 15 item 5); profiles.ts re-exports both.
/** Session languages a profile offers (ICWS-01 Accept-Language; the CIC language packs). */
export const PROFILE_LANGUAGES = [
  'en-US', 'en-GB', 'en-AU', 'de-DE', 'fr-FR', 'fr-CA', 'es-ES', 'es-MX', 'it-IT', 'nl-NL', 'pt-BR', 'pt-PT',
  'da-DK', 'sv-SE', 'nb-NO', 'fi-FI', 'pl-PL', 'cs-CZ', 'ru-RU', 'tr-TR', 'ja-JP', 'ko-KR', 'zh-CN', 'zh-TW', 'ar-SA', 'he-IL',
] as const;

/** [ICWS-01] a real language tag: canonical per Intl.getCanonicalLocales (BCP 47) and its language
 *  among PROFILE_LANGUAGES' (so `english` or `zzzzzzzz`, well-formed but no language we offer, fail). */
export function profileLanguage(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  let canonical: string;
  try {
    [canonical = ''] = Intl.getCanonicalLocales(tag.trim());
  } catch {
    return undefined;
  }
  const primary = canonical.split('-')[0]!.toLowerCase();
  return PROFILE_LANGUAGES.some((l) => l.split('-')[0] === primary) ? canonical : undefined;
}
