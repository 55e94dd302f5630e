// seed 000: alternate hosts and servers.json hosts are host names; the session base keeps the
// accepting server's scheme and port, so a server cannot send the password elsewhere (issue 8, item 1).
import { describe, expect, it } from 'vitest';
import { alternateBases, hostToBase } from '../../../../../main/core/platforms/icws/connect.ts';
import { alternateHostUrl, cloudServers, cloudTemplateAllowed, isHostName } from '../../../../../main/core/platforms/icws/wire.ts';
import { createLogger, memorySink } from '../../../../../main/core/log.ts';

describe('ICWS alternate hosts are names only [ICWS-06, ICWS-05]', () => {
  it('keeps the scheme and port of the accepting server for a bare name [ICWS-06]', () => {
    expect(alternateHostUrl('https://ic1.example.com:8019', 'ic2.example.com')).toBe('https://ic2.example.com:8019');
    expect(alternateHostUrl('https://ic1.example.com', 'IC2')).toBe('https://ic2');
    expect(alternateHostUrl('http://127.0.0.1:4000', '127.0.0.2')).toBe('http://127.0.0.2:4000');
    expect(alternateHostUrl('https://[::1]:8019', '[::2]')).toBe('https://[::2]:8019');
  });

  it('never follows a scheme, a port or a path written into an alternate host [ICWS-06]', () => {
    // The issue's own example: https → http on another host and port.
    expect(alternateHostUrl('https://ic1.example.com:8019', 'http://evil.example:80')).toBeUndefined();
    for (const bad of ['https://evil.example', 'evil.example:443', 'evil.example/icws', 'user@evil.example', '//evil.example', 'evil example', '', ' ic2', 'ic2.', '127.1', 'a'.repeat(254), '..', 'ic2?x', 'ic2#x', '[::1', 'ic2\\evil']) {
      expect(alternateHostUrl('https://ic1.example.com:8019', bad), bad).toBeUndefined();
    }
    expect(alternateHostUrl('https://ic1.example.com:8019', 42 as unknown as string)).toBeUndefined();
    expect(isHostName('ic2.example.com')).toBe(true);
    expect(isHostName('http://ic2')).toBe(false);
  });

  it('drops and logs what is not a name from a 503 list, keeps order and removes repeats [ICWS-05, ICWS-21]', () => {
    const sink = memorySink();
    const log = createLogger({ sink });
    const toBase = (current: string, host: string) => hostToBase(undefined, current, host);
    const bases = alternateBases(log, 'https://ic1.example.com:8019', ['ic2', 'http://evil.example', 'ic3.example.com', 'ic2', 'evil.example:80'], toBase);
    expect(bases).toEqual(['https://ic2:8019', 'https://ic3.example.com:8019']);
    expect(sink.entries.filter((e) => e.event === 'icws.alternate-host.ignored')).toHaveLength(2);
  });

  it('cloud mode: a host is substituted into the template only when it is a name [ICWS-24]', () => {
    expect(hostToBase('https://cloud.example.com/customICWS/api/{host}/', 'x', 'ind1.cscp.inin.local')).toBe('https://cloud.example.com/customICWS/api/ind1.cscp.inin.local');
    expect(hostToBase('https://cloud.example.com/customICWS/api/{host}/', 'x', '../../evil')).toBeUndefined();
    expect(hostToBase('https://cloud.example.com/customICWS/api/{host}/', 'x', 'http://evil.example')).toBeUndefined();
  });
});

describe('servers.json (PureConnect Cloud) sends the password only through the custom URL [ICWS-24]', () => {
  const custom = 'https://cloud.example.com/customICWS';
  const json = (template: string, hosts: unknown[]) => ({ servers: hosts.map((host, order) => ({ host, order })), serviceURLTemplate: template });

  it('accepts a template on the custom URL origin and names as hosts [ICWS-24]', () => {
    expect(cloudServers(json('https://cloud.example.com/customICWS/api/{host}/', ['ind1.cscp.inin.local', 'den1.cscp.inin.local']), custom)).toEqual({
      template: 'https://cloud.example.com/customICWS/api/{host}/',
      hosts: ['ind1.cscp.inin.local', 'den1.cscp.inin.local'],
    });
    // {host} as the host name: same scheme and port as the custom URL.
    expect(cloudTemplateAllowed('https://{host}/icws-api', custom)).toBe(true);
  });

  it('refuses a template that goes to http, to another origin, or carries user info [ICWS-24]', () => {
    expect(cloudServers(json('http://cloud.example.com/customICWS/api/{host}/', ['ind1']), custom)).toBeUndefined();
    expect(cloudServers(json('https://evil.example/api/{host}/', ['ind1']), custom)).toBeUndefined();
    expect(cloudTemplateAllowed('https://cloud.example.com:8443/customICWS/api/{host}', custom)).toBe(false);
    expect(cloudTemplateAllowed('http://{host}/api', custom)).toBe(false);
    expect(cloudTemplateAllowed('https://{host}:444/api', custom)).toBe(false);
    expect(cloudTemplateAllowed('https://u:p@cloud.example.com/api/{host}', custom)).toBe(false);
    expect(cloudTemplateAllowed('not a url {host}', custom)).toBe(false);
  });

  it('drops hosts that are not names (URLs, paths) and fails when none is left [ICWS-24]', () => {
    const template = 'https://cloud.example.com/customICWS/api/{host}/';
    expect(cloudServers(json(template, ['http://evil.example', 'ind1', '../x']), custom)?.hosts).toEqual(['ind1']);
    expect(cloudServers(json(template, ['http://evil.example']), custom)).toBeUndefined();
  });
});
