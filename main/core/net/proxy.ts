// The one undici Dispatcher for every outgoing request of the core (issue 5 "Enterprise network"):
// trust from tls.ts, and the proxy — an explicit one from the policy or the settings, else
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment (undici's EnvHttpProxyAgent), or none
// when the policy says "direct". The LoginWindow gets the same proxy (loginWindowProxy).
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { PatchbayError, toPatchbayError } from '../errors.ts';
import { redactUrl, type Logger } from '../log.ts';
import { buildTrust, certificateHintInterceptor, type TrustSummary } from './tls.ts';

export type ProxySetting = { url: string; noProxy?: string } | 'direct';

export interface ResolvedProxy {
  /** Where the proxy came from. */
  mode: 'direct' | 'explicit' | 'environment' | 'none';
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

/** Policy/settings first; then the environment (lower-case names win, as curl does). */
export function resolveProxy(setting: ProxySetting | undefined, env: NodeJS.ProcessEnv = process.env): ResolvedProxy {
  if (setting === 'direct') return { mode: 'direct' };
  if (setting) return { mode: 'explicit', httpProxy: setting.url, httpsProxy: setting.url, ...(setting.noProxy ? { noProxy: setting.noProxy } : {}) };
  const httpProxy = env.http_proxy || env.HTTP_PROXY || undefined;
  const httpsProxy = env.https_proxy || env.HTTPS_PROXY || httpProxy;
  const noProxy = env.no_proxy || env.NO_PROXY || undefined;
  if (!httpProxy && !httpsProxy) return { mode: 'none' };
  return { mode: 'environment', ...(httpProxy ? { httpProxy } : {}), ...(httpsProxy ? { httpsProxy } : {}), ...(noProxy ? { noProxy } : {}) };
}

export interface CreateDispatcherOptions {
  caBundlePath?: string;
  proxy?: ProxySetting;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

export interface NetworkDescription {
  proxy: { mode: ResolvedProxy['mode']; httpProxy?: string; httpsProxy?: string; noProxy?: string };
  trust: TrustSummary;
}

export interface CreatedDispatcher {
  dispatcher: Dispatcher;
  /** Redacted, for diagnostics and the start-up log. */
  description: NetworkDescription;
  /** Problems that did not stop the app (an unreadable CA bundle): show them to the agent once. */
  warnings: string[];
  close(): Promise<void>;
}

export function createDispatcher(options: CreateDispatcherOptions = {}): CreatedDispatcher {
  const warnings: string[] = [];
  let trust;
  try {
    trust = buildTrust(options.caBundlePath ? { caBundlePath: options.caBundlePath } : {});
  } catch (error) {
    const typed = toPatchbayError(error);
    warnings.push(typed.message);
    options.log?.warn('net.ca-bundle-unusable', { error: typed });
    trust = buildTrust();
  }
  const proxy = resolveProxy(options.proxy, options.env ?? process.env);
  for (const url of [proxy.httpProxy, proxy.httpsProxy]) {
    if (url && !isProxyUrl(url)) {
      throw new PatchbayError('net.proxy-invalid', `The proxy address ${redactUrl(url)} is not an http(s) address.`, { action: 'contact-it' });
    }
  }
  // Explicit, so NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment cannot switch verification off
  // (Node's default for rejectUnauthorized reads that variable) — issue 8 item 5.
  const tls = { secureContext: trust.secureContext, rejectUnauthorized: true };
  // '' (not undefined) tells EnvHttpProxyAgent "none" instead of reading process.env itself.
  const agent = new EnvHttpProxyAgent({
    httpProxy: proxy.httpProxy ?? '',
    httpsProxy: proxy.httpsProxy ?? '',
    noProxy: proxy.noProxy ?? '',
    connect: tls,
    requestTls: tls,
    proxyTls: tls,
  });
  const dispatcher = agent.compose(certificateHintInterceptor());
  const description: NetworkDescription = {
    proxy: {
      mode: proxy.mode,
      ...(proxy.httpProxy ? { httpProxy: redactUrl(proxy.httpProxy) } : {}),
      ...(proxy.httpsProxy ? { httpsProxy: redactUrl(proxy.httpsProxy) } : {}),
      ...(proxy.noProxy ? { noProxy: proxy.noProxy } : {}),
    },
    trust: trust.summary,
  };
  options.log?.info('net.configured', { ...description });
  return { dispatcher, description, warnings, close: () => agent.close() };
}

let fallback: Dispatcher | undefined;

/** The dispatcher for a connection made without one (a test, a tool): the OS trust store, the
 *  environment's proxy and verification on — never Node's global dispatcher, whose TLS defaults the
 *  environment can change. Built once. */
export function coreDispatcher(): Dispatcher {
  fallback ??= createDispatcher().dispatcher;
  return fallback;
}

function isProxyUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The same proxy for the LoginWindow's browser: Chromium's `--proxy-server` / `--proxy-bypass-list`,
 *  or Electron's `session.setProxy({ proxyRules, proxyBypassRules })`. Undefined = leave the
 *  browser's default (the system proxy settings). */
export function loginWindowProxy(proxy: ResolvedProxy): { proxyRules: string; proxyBypassRules: string } | undefined {
  if (proxy.mode === 'direct') return { proxyRules: 'direct://', proxyBypassRules: '' };
  if (proxy.mode === 'none') return undefined;
  const rules: string[] = [];
  if (proxy.httpProxy) rules.push(`http=${hostRule(proxy.httpProxy)}`);
  if (proxy.httpsProxy) rules.push(`https=${hostRule(proxy.httpsProxy)}`);
  const bypass = (proxy.noProxy ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => (entry.startsWith('.') ? `*${entry}` : entry));
  return { proxyRules: rules.join(';'), proxyBypassRules: bypass.join(',') };
}

// Chromium proxy rules name scheme://host:port without credentials (it asks for them itself).
function hostRule(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}
