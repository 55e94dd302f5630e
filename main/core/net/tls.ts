// TLS trust for every outgoing connection (DESIGN.md "net/", issue 5 "Enterprise network"): the OS
// trust store (Node 24 tls.getCACertificates('system')) plus Node's default list plus an optional
// IT CA bundle (policy key `caBundle`). There is deliberately no "ignore certificate errors" switch:
// a certificate error names the host and the reason and tells IT which policy key fixes it.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, getCACertificates, type SecureContext } from 'node:tls';
import type { Dispatcher } from 'undici';
import { PatchbayError } from '../errors.ts';
import { classifyTransportError, errorCode } from './net-errors.ts';

export const CA_BUNDLE_POLICY_KEY = 'caBundle';

export interface TrustSummary {
  /** Certificates from the operating system's store. */
  system: number;
  /** Node's default list (Mozilla's bundle + NODE_EXTRA_CA_CERTS). */
  default: number;
  bundle?: { path: string; certificates: number };
}

export interface Trust {
  /** Every trusted root, PEM, de-duplicated. */
  ca: string[];
  /** One secure context built once (creating it per connection would re-parse hundreds of roots). */
  secureContext: SecureContext;
  summary: TrustSummary;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Reads an IT CA bundle (one or more PEM certificates). Throws PatchbayError `net.ca-bundle`. */
export function readCaBundle(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PatchbayError('net.ca-bundle', `The CA bundle ${path} set by the policy key "${CA_BUNDLE_POLICY_KEY}" cannot be read (${code ?? 'error'}).`, {
      action: 'contact-it',
      details: { path, errno: code },
    });
  }
  const pems = text.match(PEM_CERT) ?? [];
  if (pems.length === 0) {
    throw new PatchbayError('net.ca-bundle', `The CA bundle ${path} (policy key "${CA_BUNDLE_POLICY_KEY}") holds no PEM certificate.`, { action: 'contact-it', details: { path } });
  }
  pems.forEach((pem, index) => {
    try {
      new X509Certificate(pem);
    } catch {
      throw new PatchbayError('net.ca-bundle', `Certificate ${index + 1} in the CA bundle ${path} (policy key "${CA_BUNDLE_POLICY_KEY}") is not a valid certificate.`, {
        action: 'contact-it',
        details: { path, index },
      });
    }
  });
  return pems;
}

/** The trust store for outgoing TLS. A CA bundle that cannot be used throws (the caller reports it
 *  and carries on with the OS store). */
export function buildTrust(options: { caBundlePath?: string } = {}): Trust {
  const system = getCACertificates('system');
  const defaults = getCACertificates('default');
  const bundle = options.caBundlePath ? readCaBundle(options.caBundlePath) : [];
  const ca = [...new Set([...defaults, ...system, ...bundle])];
  return {
    ca,
    secureContext: createSecureContext({ ca }),
    summary: {
      system: system.length,
      default: defaults.length,
      ...(options.caBundlePath ? { bundle: { path: options.caBundlePath, certificates: bundle.length } } : {}),
    },
  };
}

// Certificate problems an IT CA bundle can fix (an inspecting proxy or a private CA), versus ones
// only the server's administrators can fix.
const TRUST_CODES = /^(UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_UNTRUSTED|INVALID_CA)$/;
const SERVER_CERT_CODES = /^(CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|CERT_REVOKED|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH|CERT_SIGNATURE_FAILURE)$/;

/** A transport error → PatchbayError; certificate errors get the host, the reason (from
 *  net-errors.ts) and what IT can do about it. */
export function certificateError(error: unknown, url: URL): PatchbayError {
  const typed = classifyTransportError(error, url);
  if (typed.code !== 'net.tls') return typed;
  const code = errorCode(error) ?? String(typed.details.tlsCode ?? '');
  let hint: string;
  if (TRUST_CODES.test(code)) {
    hint = ` If your organisation uses its own certificate authority or inspects HTTPS traffic, IT can add that authority's certificate with the policy key "${CA_BUNDLE_POLICY_KEY}".`;
  } else if (SERVER_CERT_CODES.test(code)) {
    hint = ' The server\'s certificate must be fixed by its administrators: Patchbay never ignores certificate errors.';
  } else {
    return typed;
  }
  if (typed.message.includes(hint)) return typed;
  return new PatchbayError('net.tls', `${typed.message}${hint}`, {
    action: 'contact-it',
    cause: error,
    details: { ...typed.details, ...(TRUST_CODES.test(code) ? { policyKey: CA_BUNDLE_POLICY_KEY } : {}) },
  });
}

/** An undici interceptor: connection errors reach the caller as certificateError(…), so
 *  HttpSession (which keeps a PatchbayError as it is) shows the hint. */
export function certificateHintInterceptor(): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const origin = opts.origin;
    let url: URL | undefined;
    try {
      url = origin === undefined ? undefined : new URL(String(origin));
    } catch {
      url = undefined;
    }
    if (!url) return dispatch(opts, handler);
    const target = url;
    const map = (error: unknown): unknown => {
      const code = errorCode(error);
      return code && (TRUST_CODES.test(code) || SERVER_CERT_CODES.test(code)) ? certificateError(error, target) : error;
    };
    // Only the error callbacks change; everything else is the caller's handler as is.
    const wrapped = new Proxy(handler, {
      get(object, key) {
        const value: unknown = Reflect.get(object, key);
        if (typeof value !== 'function') return value;
        if (key === 'onResponseError') return (controller: unknown, error: unknown) => value.call(object, controller, map(error));
        if (key === 'onError') return (error: unknown) => value.call(object, map(error));
        return value.bind(object);
      },
    });
    return dispatch(opts, wrapped);
  };
}
