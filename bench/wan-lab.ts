// The lab side of bench/wan-signin.ts, run in its own process so the client's CPU figure excludes the
// lab's work (issue 15 item 3): an ICWS server and a Finesse lab, each behind lab/wan-proxy.ts.
// Prints one JSON line with the proxy URLs; answers "chunks <name>" on stdin with the proxy's request
// log (absolute ms: performance.timeOrigin + now) and clears it; exits when stdin ends.
import { createInterface } from 'node:readline';
import { startIcwsServer } from '../lab/icws/server.ts';
import { startFinesseLab } from '../lab/finesse/lab.ts';
import { startGwsLab } from '../lab/gws/index.ts';
import { startWanProxy, type WanProxy } from '../lab/wan-proxy.ts';

const oneWayDelayMs = Number(process.argv[2] ?? 50);
const jitterMs = Number(process.argv[3] ?? 0);
const icws = await startIcwsServer({ messagingVersion: 2 });
const finesse = await startFinesseLab({ deploymentType: 'UCCX', systemAuthMode: 'NON_SSO', ctiDelayMs: 0 });
const gws = await startGwsLab();
const proxies: Record<string, WanProxy> = {};
const behind = async (name: string, url: string) => {
  const u = new URL(url);
  proxies[name] = await startWanProxy({ target: { host: u.hostname, port: Number(u.port) }, oneWayDelayMs, jitterMs });
  return proxies[name].url;
};
const urls = { icws: await behind('icws', icws.url), finesse: await behind('finesse', finesse.servers[0]!), finesseSecondary: finesse.servers[1]!, gws: await behind('gws', gws.baseUrl) };
console.log(JSON.stringify(urls));
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [cmd, name] = line.split(' ');
  if (cmd === 'chunks' && name && proxies[name]) {
    const p = proxies[name];
    console.log(JSON.stringify({ connections: p.connections, chunks: p.chunks.map((c) => ({ ...c, at: performance.timeOrigin + c.at })) }));
    p.clear();
  }
});
lines.on('close', () => {
  void (async () => {
    for (const p of Object.values(proxies)) await p.close();
    await icws.close();
    await finesse.close();
    await gws.close();
    process.exit(0);
  })();
});
