// Server and core error codes in words an agent understands, with what to do (issue 13 item 4).
// The raw code and the original message stay under "details" and in diagnostics; unknown codes
// fall back to the core's own message, which is already written for people.
import type { ContractError } from '../preload/contract.ts';

/** First match wins: exact codes before families. */
const WORDS: readonly (readonly [RegExp, string])[] = [
  [/^(finesse|genesys-cloud)\.unauthorized$|token[.-](revoked|expired|idle)|^auth\.token-expired$|sign-in-needed|notifications\.token-revoked|^gws\.session\.ended$|^session\.ended$|^icws\.session\.lost$/,
    'Your sign-in has ended. Sign in again to go on taking calls.'],
  [/sign-in\.rejected$|^icws\.connect\.(rejected|bad-response)$|xmpp\.auth-failed$|csrf\.rejected$/,
    'The user name or password was not accepted. Check them and sign in again.'],
  [/extension-required$|place-required$|INVALID_LOGON_DEVICE/i,
    'The phone extension was not accepted. Check the extension (or place) and sign in again.'],
  [/credentials-required$|password-required$|user-required$/, 'Enter your user name and password to sign in.'],
  [/sign-in\.cancelled$|sso\.cancelled$|^session\.cancelled$/, 'Sign-in was cancelled.'],
  [/\.sso\.|\.saml\.|^login\.|authorize\.|salesforce\./, 'Single sign-on did not finish. Try signing in again; if it keeps failing, contact your IT team.'],
  [/reason-required$|unknown-reason$|reason-not-allowed$/, 'This status needs a reason. Pick one from the list and try again.'],
  [/not-ready-first$/, 'Go Not Ready first, then choose this status.'],
  [/state\.(rejected|unconfirmed|unsupported|unknown)$|state\.not-signed-in$/,
    'The contact center did not accept that status change. Try again in a moment.'],
  [/xmpp\.|notifications\.|messaging\.failed$|websocket/, 'Live updates from the contact center stopped. Patchbay is reconnecting; your status may be out of date until then.'],
  [/^net\.(unreachable|timeout|failed|aborted)$|no-server$|out-of-service$|server-unavailable$|login\.unreachable$|rate-limited$|server-error$/,
    'The contact center server cannot be reached right now. Check your network; Patchbay will keep trying.'],
  [/^net\.(tls|ca-bundle|proxy-invalid|cleartext-refused)$/, "Your IT team's settings have a problem: the secure connection to the server could not be set up. Contact your IT team."],
  [/^profiles?(-file)?\.|^settings\.|locked-field$|not-allowed$|read-only$|profile\.invalid$|not-configured$|identity-host$/,
    "Your IT team's settings have a problem. Contact your IT team."],
  [/^secrets\./, 'Saved sign-ins cannot be kept on this computer; you will have to sign in again after Patchbay restarts.'],
  [/^session\.busy$/, 'A sign-in for this profile is already in progress.'],
  [/^(session|genesys-cloud)\.not-active$|^genesys-cloud\.signed-out$/, 'You are not signed in to this profile. Sign in first.'],
];

export interface PlainError {
  /** What the agent reads. */
  sentence: string;
  /** The raw code and original message, for "details" and IT. */
  details: string;
}

export function plainError(error: ContractError): PlainError {
  const hit = WORDS.find(([pattern]) => pattern.test(error.code));
  return { sentence: hit ? hit[1] : error.message, details: `${error.code}: ${error.message}` };
}

/** The phrase table, for tests that check every known code family reads as a sentence. */
export const PLAIN_SENTENCES = WORDS.map(([, sentence]) => sentence);
