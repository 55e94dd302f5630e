// Error mapping for failures that cannot be produced on loopback (DNS) or need odd shapes.
import { describe, expect, it } from 'vitest';
import { classifyTransportError, errorCode, hostPort } from '../../../../main/core/net/net-errors.ts';

const url = new URL('https://pbx.example.com/icws/connection?token=T1');

function sysError(code: string, message = `${code} something`): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyTransportError', () => {
  it('maps a DNS failure to net.unreachable naming host:port, action retry', () => {
    const e = classifyTransportError(sysError('ENOTFOUND', 'getaddrinfo ENOTFOUND pbx.example.com'), url);
    expect(e).toMatchObject({ code: 'net.unreachable', action: 'retry', details: { host: 'pbx.example.com:443' } });
    expect(e.message).toBe('Cannot reach pbx.example.com:443: host name not found.');
  });

  it('finds the network code inside an AggregateError (happy eyeballs) or a cause', () => {
    const agg = Object.assign(new AggregateError([sysError('ECONNREFUSED'), sysError('ECONNREFUSED')], 'x'), {});
    expect(classifyTransportError(agg, url).code).toBe('net.unreachable');
    const wrapped = new Error('fetch failed', { cause: sysError('ECONNRESET') });
    expect(errorCode(wrapped)).toBe('ECONNRESET');
  });

  it('maps certificate errors to net.tls with the reason and the host', () => {
    const e = classifyTransportError(sysError('CERT_HAS_EXPIRED'), url);
    expect(e).toMatchObject({ code: 'net.tls', action: 'contact-it', details: { host: 'pbx.example.com:443', tlsCode: 'CERT_HAS_EXPIRED' } });
    expect(e.message).toContain('the certificate has expired');
  });

  it('maps undici header/body timeouts to net.timeout', () => {
    expect(classifyTransportError(sysError('UND_ERR_HEADERS_TIMEOUT'), url).code).toBe('net.timeout');
  });

  it('maps an unknown failure to net.failed without its text', () => {
    const e = classifyTransportError(new Error('weird https://pbx.example.com/?token=T1'), url);
    expect(e.code).toBe('net.failed');
    expect(e.message).not.toContain('T1');
  });

  it('never puts the path or query in the message', () => {
    for (const code of ['ECONNREFUSED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'EWHATEVER']) {
      const e = classifyTransportError(sysError(code), url);
      expect(e.message).not.toContain('icws');
      expect(e.message).not.toContain('T1');
    }
  });

  it('fills in the default port of the scheme', () => {
    expect(hostPort(new URL('http://h.example.com/'))).toBe('h.example.com:80');
    expect(hostPort(new URL('http://127.0.0.1:8019/'))).toBe('127.0.0.1:8019');
  });
});
