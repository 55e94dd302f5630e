// Debian Prosody as a real XMPP server for the Finesse notification layer's tests
// (shared rig: servers.md "XMPP"): a temp config per test file, users registered with
// prosodyctl, `prosody -F` in the foreground on 127.0.0.1 with free ports, WebSocket on /xmpp-websocket,
// a pubsub component, SASL PLAIN, and mod_groups so a "finesse" user's presence reaches the agents the
// way Finesse's own does. Also a TCP proxy whose connections can be cut, to simulate a network blip.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../main/core/net/free-port.ts';

export { freePort };

export interface ProsodyUser {
  user: string;
  password: string;
}

export interface ProsodyRig {
  domain: string;
  pubsubDomain: string;
  httpPort: number;
  /** ws://127.0.0.1:<port>/xmpp-websocket */
  wsUrl: string;
  stop(): Promise<void>;
  /** Stop and start again on the same ports (a server restart). */
  restart(): Promise<void>;
  log(): string;
}

/** Never run `prosody --version` (it starts the system server): ask dpkg. */
export function prosodyAvailable(): boolean {
  const res = spawnSync('dpkg-query', ['-W', '-f=${Status}', 'prosody'], { encoding: 'utf8' });
  return res.status === 0 && res.stdout.includes('install ok installed') && spawnSync('which', ['prosody']).status === 0;
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prosody exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('prosody did not start listening in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startProsody(options: { users: ProsodyUser[]; admins?: string[]; group?: string[] }): Promise<ProsodyRig> {
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-prosody-'));
  const domain = 'localhost';
  const pubsubDomain = `pubsub.${domain}`;
  const [httpPort, c2sPort] = [await freePort(), await freePort()];
  const groupMembers = options.group ?? options.users.map((u) => `${u.user}@${domain}`);
  writeFileSync(join(dir, 'groups.txt'), `[Finesse]\n${groupMembers.join('\n')}\n`);
  const admins = (options.admins ?? []).map((a) => `"${a}"`).join(', ');
  const config = `
pidfile = "${dir}/prosody.pid"
data_path = "${dir}/data"
run_as_root = true
daemonize = false
interfaces = { "127.0.0.1" }
c2s_ports = { ${c2sPort} }
c2s_interfaces = { "127.0.0.1" }
s2s_ports = { }
http_ports = { ${httpPort} }
http_interfaces = { "127.0.0.1" }
https_ports = { }
modules_disabled = { "s2s" }
modules_enabled = { "roster"; "saslauth"; "disco"; "ping"; "websocket"; "posix"; "groups" }
consider_websocket_secure = true
consider_bosh_secure = true
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_plain"
disable_sasl_mechanisms = { "DIGEST-MD5", "SCRAM-SHA-1" }
groups_file = "${dir}/groups.txt"
admins = { ${admins} }
log = { { levels = { min = "info" }, to = "file", filename = "${dir}/prosody.log" } }
VirtualHost "${domain}"
Component "${pubsubDomain}" "pubsub"
`;
  const configPath = join(dir, 'prosody.cfg.lua');
  writeFileSync(configPath, config);
  for (const { user, password } of options.users) {
    const res = spawnSync('prosodyctl', ['--config', configPath, 'register', user, domain, password], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`prosodyctl register ${user} failed: ${res.stderr || res.stdout}`);
  }

  let child: ChildProcess | undefined;
  const launch = async () => {
    const c = spawn('prosody', ['--config', configPath, '-F'], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout?.resume();
    c.stderr?.resume();
    child = c;
    await waitForPort(httpPort, c);
  };
  const halt = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
      c.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      c.kill('SIGTERM');
    });
  };
  await launch();
  return {
    domain,
    pubsubDomain,
    httpPort,
    wsUrl: `ws://127.0.0.1:${httpPort}/xmpp-websocket`,
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await halt();
      await launch();
    },
    log() {
      try {
        return spawnSync('cat', [join(dir, 'prosody.log')], { encoding: 'utf8' }).stdout;
      } catch {
        return '';
      }
    },
  };
}

export interface TcpProxy {
  port: number;
  /** Destroy every open connection (a network blip); new connections still go through. */
  cut(): void;
  /** While false, new connections are refused at once (the path is down). */
  setAccepting(accepting: boolean): void;
  connections(): number;
  close(): Promise<void>;
}

/** A loopback TCP proxy to `targetPort`; WebSocket upgrades pass through untouched. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let accepting = true;
  const server = net.createServer((client) => {
    if (!accepting) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    cut() {
      for (const s of [...sockets]) s.destroy();
      sockets.clear();
    },
    setAccepting(value) {
      accepting = value;
    },
    connections: () => sockets.size / 2,
    async close() {
      for (const s of [...sockets]) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
