// Transport failures → PatchbayError. Messages name the host:port and a reason, never a URL path,
// query, header value or body (conventions: no secret in an error message).
import { PatchbayError } from '../errors.ts';

/** "host:port" with the scheme's default port filled in. */
export function hostPort(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EAI_NONAME: 'host name not found',
  ECONNRESET: 'connection reset',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed',
  EHOSTUNREACH: 'host unreachable',
  EHOSTDOWN: 'host down',
  ENETUNREACH: 'network unreachable',
  ENETDOWN: 'network down',
  ETIMEDOUT: 'connection timed out',
  EADDRNOTAVAIL: 'address not available',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_CLOSED: 'connection closed',
};

const TLS_REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in an untrusted root',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is issued by an authority this computer does not trust',
  UNABLE_TO_GET_ISSUER_CERT: 'the certificate is issued by an authority this computer does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate is issued by an authority this computer does not trust',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  CERT_REVOKED: 'the certificate has been revoked',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not match the host name',
  HOSTNAME_MISMATCH: 'the certificate does not match the host name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server did not answer with TLS',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'no TLS version in common with the server',
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'no TLS version in common with the server',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'the TLS handshake failed',
};

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|INVALID_CA|PATH_LENGTH_EXCEEDED)/;

/** The most specific error code in an error, its cause chain or an AggregateError's members. */
export function errorCode(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 5) return undefined;
  const own = (error as { code?: unknown }).code;
  const members = (error as { errors?: unknown }).errors;
  const fromMembers = Array.isArray(members) ? members.map((m) => errorCode(m, depth + 1)).find((c) => c !== undefined) : undefined;
  const fromCause = errorCode((error as { cause?: unknown }).cause, depth + 1);
  // Prefer a TLS or network code found deeper over a generic wrapper code.
  for (const code of [own, fromCause, fromMembers]) {
    if (typeof code === 'string' && (TLS_CODE.test(code) || code in UNREACHABLE)) return code;
  }
  return typeof own === 'string' ? own : fromCause ?? fromMembers;
}

/** Maps a transport error to a PatchbayError (net.tls, net.unreachable, net.timeout, net.failed). */
export function classifyTransportError(error: unknown, url: URL): PatchbayError {
  if (error instanceof PatchbayError) return error;
  const host = hostPort(url);
  const code = errorCode(error);
  if (code && TLS_CODE.test(code)) {
    const reason = TLS_REASONS[code] ?? 'the secure connection could not be set up';
    return new PatchbayError('net.tls', `Secure connection to ${host} failed: ${reason} (${code}).`, {
      action: 'contact-it',
      cause: error,
      details: { host, tlsCode: code },
    });
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return timeoutError(url, undefined, error);
  if (code && code in UNREACHABLE) {
    return new PatchbayError('net.unreachable', `Cannot reach ${host}: ${UNREACHABLE[code]}.`, {
      action: 'retry',
      cause: error,
      details: { host, errno: code },
    });
  }
  return new PatchbayError('net.failed', `The request to ${host} failed.`, {
    action: 'retry',
    cause: error,
    details: { host, errno: code },
  });
}

export function timeoutError(url: URL, timeoutMs: number | undefined, cause?: unknown): PatchbayError {
  const host = hostPort(url);
  return new PatchbayError('net.timeout', `The server at ${host} did not answer in time.`, {
    action: 'retry',
    cause,
    details: { host, timeoutMs },
  });
}

export function abortedError(url: URL, cause?: unknown): PatchbayError {
  return new PatchbayError('net.aborted', `The request to ${hostPort(url)} was cancelled.`, {
    action: 'none',
    cause,
    details: { host: hostPort(url) },
  });
}
