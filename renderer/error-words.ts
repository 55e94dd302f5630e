// Server and core error codes in words an agent understands, with what to do (issue 13 item 4).
// The raw code and the original message stay under "details" and in diagnostics; unknown codes
// fall back to the core's own message, which is already written for people.
import type { ContractError } from '../preload/contract.ts';
import { t } from './i18n/index.ts';

/** First match wins: exact codes before families. Each maps to a message key (renderer/i18n). */
const WORDS: readonly (readonly [RegExp, string])[] = [
  // Finesse node health (issue 9 item 9): notices, not failures.
  [/^finesse\.node\.moved$/, 'errors.nodeMoved'],
  [/^finesse\.node\.no-node-in-service$/, 'errors.noNodeInService'],
  [/^(finesse|genesys-cloud)\.unauthorized$|token[.-](revoked|expired|idle)|^auth\.token-expired$|sign-in-needed|notifications\.token-revoked|^gws\.session\.ended$|^session\.ended$|^icws\.session\.lost$/,
    'errors.signInEnded'],
  [/sign-in\.rejected$|^icws\.connect\.(rejected|bad-response)$|xmpp\.auth-failed$|csrf\.rejected$/,
    'errors.credentialsRejected'],
  [/extension-required$|place-required$|invalid-device$|INVALID_LOGON_DEVICE/i,
    'errors.extensionRejected'],
  [/credentials-required$|password-required$|user-required$/, 'errors.credentialsRequired'],
  [/sign-in\.cancelled$|sso\.cancelled$|^session\.cancelled$/, 'errors.signInCancelled'],
  [/\.sso\.|\.saml\.|^login\.|authorize\.|salesforce\./, 'errors.ssoFailed'],
  [/reason-required$|unknown-reason$|reason-not-allowed$/, 'errors.reasonRequired'],
  [/not-ready-first$/, 'errors.notReadyFirst'],
  [/state\.(rejected|unconfirmed|unsupported|unknown)$|state\.not-signed-in$/,
    'errors.stateRejected'],
  [/xmpp\.|notifications\.|messaging\.failed$|websocket/, 'errors.liveUpdatesStopped'],
  [/^net\.(unreachable|timeout|failed|aborted)$|no-server$|out-of-service$|server-unavailable$|login\.unreachable$|rate-limited$|server-error$/,
    'errors.unreachable'],
  [/^net\.(tls|ca-bundle|proxy-invalid|cleartext-refused)$/, 'errors.tlsPolicy'],
  [/^profiles?(-file)?\.|^settings\.|locked-field$|not-allowed$|read-only$|profile\.invalid$|not-configured$|identity-host$/,
    'errors.itPolicy'],
  [/^secrets\./, 'errors.secrets'],
  [/^session\.busy$/, 'errors.busy'],
  // The window's own link to Patchbay's service (renderer/api/bridge.ts), not the contact center.
  [/^bridge\./, 'errors.bridge'],
  [/^(session|genesys-cloud)\.not-active$|^genesys-cloud\.signed-out$/, 'errors.notActive'],
];

export interface PlainError {
  /** What the agent reads. */
  sentence: string;
  /** The raw code and original message, for "details" and IT. */
  details: string;
}

export function plainError(error: ContractError): PlainError {
  const hit = WORDS.find(([pattern]) => pattern.test(error.code));
  return { sentence: hit ? t(hit[1]) : error.message, details: `${error.code}: ${error.message}` };
}

/** The phrase table, for tests that check every known code family reads as a sentence. */
export const PLAIN_SENTENCES = WORDS.map(([, key]) => t(key));
