// Localised human-readable texts. The session language is the Accept-Language of
// POST /icws/connection and never changes afterwards [ICWS-01]; `reason` is "a localized textual
// description" [ICWS-17].

export type LabReasonKey = 'connected' | 'inactivityTimeout' | 'killed' | 'loggedOut' | 'switchover';

const texts: Record<string, Record<LabReasonKey, string>> = {
  en: {
    connected: 'The connection is up.',
    inactivityTimeout: 'The session timed out because of inactivity.',
    killed: 'The session was ended by the server.',
    loggedOut: 'The session was logged out.',
    switchover: 'The server is switching over to its backup. Reconnect to continue.',
  },
  de: {
    connected: 'Die Verbindung besteht.',
    inactivityTimeout: 'Die Sitzung wurde wegen Inaktivität beendet.',
    killed: 'Die Sitzung wurde vom Server beendet.',
    loggedOut: 'Die Sitzung wurde abgemeldet.',
    switchover: 'Der Server wechselt zu seinem Ersatzserver. Bitte erneut verbinden.',
  },
  fr: {
    connected: 'La connexion est établie.',
    inactivityTimeout: "La session a expiré pour cause d'inactivité.",
    killed: 'La session a été fermée par le serveur.',
    loggedOut: 'La session a été fermée.',
    switchover: 'Le serveur bascule vers son serveur de secours. Reconnectez-vous pour continuer.',
  },
};

/** Primary subtag of the session language, falling back to English. */
export function localise(language: string, key: LabReasonKey): string {
  const primary = language.split('-')[0]?.toLowerCase() ?? 'en';
  return (texts[primary] ?? texts['en']!)[key];
}

/**
 * First language tag of an Accept-Language header (RFC 9110 §12.5.4), lower-cased, or undefined
 * when there is none. `*` is refused on purpose: it names no language, and it is what WHATWG fetch
 * adds when a caller forgot the header — the lab must catch that mistake [ICWS-01].
 */
export function sessionLanguage(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const first = header.split(',')[0]?.split(';')[0]?.trim() ?? '';
  if (!/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(first)) return undefined;
  return first.toLowerCase();
}

/** `yyyyMMddTHHmmssZ`, the ICWS date format (e.g. 20201029T082018Z). */
export function icwsDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}
