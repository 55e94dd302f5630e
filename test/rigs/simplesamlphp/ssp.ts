// SimpleSAMLphp (Debian package) as the real third-party SAML IdP of the tests (shared/rigs/
// simplesamlphp.md). Each start writes its own config dir in a temp dir — never /etc/simplesamlphp —
// and serves /usr/share/simplesamlphp/www with PHP's built-in server on 127.0.0.1:<free port>, in its
// own process group (setsid) so stop() can end the workers too.
//   config/config.php, config/authsources.php (exampleauth:UserPass, users emit uid + user_principal),
//   metadata/saml20-idp-hosted.php, metadata/saml20-sp-remote.php (reads sp-remote.json, re-read on
//   every request, so SPs on random ports can be added after the IdP started).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../main/core/net/free-port.ts';

export const SSP_WWW = '/usr/share/simplesamlphp/www';
export const PHP = '/usr/bin/php';
const KEY_DIR = join(import.meta.dirname, 'keys');

export interface SspUser {
  userName: string;
  password: string;
  uid: string;
}

export interface SspServiceProvider {
  entityId: string;
  /** Must equal the SP's ACS URL exactly, port included. */
  acsUrl: string;
}

export interface SimpleSamlPhp {
  url: string;
  port: number;
  /** The hosted IdP's entity id (its metadata URL). */
  entityId: string;
  /** SingleSignOnService (HTTP-Redirect and HTTP-POST). */
  ssoUrl: string;
  certificate: string;
  configDir: string;
  addServiceProvider(sp: SspServiceProvider): Promise<void>;
  /** What PHP wrote to stderr (SimpleSAMLphp logs there). */
  stderr(): string;
  stop(): Promise<void>;
}

/** True when the Debian packages are installed (.ci/run installs them). */
export function simpleSamlPhpAvailable(): boolean {
  return existsSync(PHP) && existsSync(join(SSP_WWW, 'saml2', 'idp', 'SSOService.php'));
}

export const LAB_SSP_USERS: SspUser[] = [
  { userName: 'agent1', password: 'agent1-lab-pw', uid: 'agent1' },
  { userName: 'agent2', password: 'agent2-lab-pw', uid: 'agent2' },
];

function phpString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function configPhp(dir: string, url: string): string {
  const d = (sub: string) => phpString(`${join(dir, sub)}/`);
  return `<?php
$config = [
    'baseurlpath' => ${phpString(`${url}/`)},
    'certdir' => ${d('cert')},
    'loggingdir' => ${d('log')},
    'datadir' => ${d('data')},
    'tempdir' => ${phpString(join(dir, 'tmp'))},
    'metadatadir' => ${d('metadata')},
    'secretsalt' => ${phpString(randomBytes(24).toString('hex'))},
    'auth.adminpassword' => ${phpString(randomBytes(24).toString('hex'))},
    'admin.protectindexpage' => false,
    'admin.protectmetadata' => false,
    'technicalcontact_name' => 'Patchbay tests',
    'technicalcontact_email' => 'na@example.org',
    'timezone' => 'UTC',
    'logging.level' => SimpleSAML\\Logger::WARNING,
    'logging.handler' => 'stderr',
    'enable.saml20-idp' => true,
    'enable.shib13-idp' => false,
    'enable.adfs-idp' => false,
    'module.enable' => ['exampleauth' => true, 'core' => true, 'saml' => true],
    'store.type' => 'phpsession',
    'session.phpsession.savepath' => ${phpString(join(dir, 'sessions'))},
    'session.cookie.path' => '/',
    // Plain http on loopback: no Secure flag, no SameSite=None (shared/rigs/simplesamlphp.md).
    'session.cookie.secure' => false,
    'session.cookie.samesite' => null,
    'language.cookie.secure' => false,
    'language.cookie.samesite' => null,
    'metadata.sources' => [['type' => 'flatfile']],
];
`;
}

function authsourcesPhp(users: SspUser[]): string {
  const entries = users
    .map((u) => `        ${phpString(`${u.userName}:${u.password}`)} => ['uid' => [${phpString(u.uid)}], 'user_principal' => [${phpString(`${u.uid}@lab.example`)}]],`)
    .join('\n');
  return `<?php
$config = [
    'admin' => ['core:AdminPassword'],
    'lab-users' => [
        'exampleauth:UserPass',
${entries}
    ],
];
`;
}

const IDP_HOSTED = `<?php
$metadata['__DYNAMIC:1__'] = [
    'host' => '__DEFAULT__',
    'privatekey' => 'idp.key.pem',
    'certificate' => 'idp.cert.pem',
    'auth' => 'lab-users',
    'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    'saml20.sign.response' => true,
    'saml20.sign.assertion' => true,
    'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
];
`;

const SP_REMOTE = `<?php
// Written by test/rigs/simplesamlphp/ssp.ts: one entry per SP in sp-remote.json (re-read per request).
$file = __DIR__ . '/sp-remote.json';
$entries = is_file($file) ? json_decode(file_get_contents($file), true) : [];
foreach ($entries as $sp) {
    $metadata[$sp['entityId']] = [
        'AssertionConsumerService' => [['Binding' => 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', 'Location' => $sp['acsUrl']]],
        'NameIDFormat' => 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
    ];
}
`;

async function waitReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`SimpleSAMLphp exited with ${child.exitCode}: ${stderr().slice(-2000)}`);
    try {
      const res = await fetch(`${url}/saml2/idp/metadata.php`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`SimpleSAMLphp did not start: ${stderr().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startSimpleSamlPhp(options: { users?: SspUser[]; serviceProviders?: SspServiceProvider[] } = {}): Promise<SimpleSamlPhp> {
  if (!simpleSamlPhpAvailable()) throw new Error('SimpleSAMLphp is not installed (apt-get install simplesamlphp php8.2-cli php8.2-xml php8.2-mbstring)');
  const dir = await mkdtemp(join(tmpdir(), 'pb-ssp-'));
  for (const sub of ['config', 'metadata', 'cert', 'log', 'data', 'tmp', 'sessions']) await mkdir(join(dir, sub), { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await writeFile(join(dir, 'config', 'config.php'), configPhp(dir, url));
  await writeFile(join(dir, 'config', 'authsources.php'), authsourcesPhp(options.users ?? LAB_SSP_USERS));
  await writeFile(join(dir, 'metadata', 'saml20-idp-hosted.php'), IDP_HOSTED);
  await writeFile(join(dir, 'metadata', 'saml20-sp-remote.php'), SP_REMOTE);
  await copyFile(join(KEY_DIR, 'ssp-idp-test-only.key.pem'), join(dir, 'cert', 'idp.key.pem'));
  await copyFile(join(KEY_DIR, 'ssp-idp-test-only.cert.pem'), join(dir, 'cert', 'idp.cert.pem'));
  const sps: SspServiceProvider[] = [...(options.serviceProviders ?? [])];
  const writeSps = () => writeFile(join(dir, 'metadata', 'sp-remote.json'), JSON.stringify(sps));
  await writeSps();

  // detached = setsid(): php and its workers form their own process group (stop kills the group).
  const child = spawn(PHP, ['-S', `127.0.0.1:${port}`, '-t', SSP_WWW], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, SIMPLESAMLPHP_CONFIG_DIR: join(dir, 'config'), PHP_CLI_SERVER_WORKERS: '2' },
  });
  let errText = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errText += chunk.toString();
    if (errText.length > 200_000) errText = errText.slice(-100_000);
  });
  const stderr = () => errText;
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-child.pid, 'SIGTERM'); // the whole group: workers keep the port otherwise
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    port,
    entityId: `${url}/saml2/idp/metadata.php`,
    ssoUrl: `${url}/saml2/idp/SSOService.php`,
    certificate: await readFile(join(KEY_DIR, 'ssp-idp-test-only.cert.pem'), 'utf8'),
    configDir: join(dir, 'config'),
    addServiceProvider: async (sp) => {
      sps.push({ ...sp });
      await writeSps();
    },
    stderr,
    stop,
  };
}
