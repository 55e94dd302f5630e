// A throw-away PKI made at test time with openssl (nothing committed): a test CA, a server
// certificate for 127.0.0.1 signed by it, and one for another name (host-name mismatch).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  caPath: string;
  ca: string;
  /** Signed by the test CA for IP 127.0.0.1 / localhost. */
  server: { key: string; cert: string };
  /** Signed by the test CA for other.example only. */
  wrongName: { key: string; cert: string };
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function leaf(dir: string, name: string, san: string): { key: string; cert: string } {
  openssl(dir, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n`);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
  return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.pem`), 'utf8') };
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'pb-test-pki-'));
  openssl(dir, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
    '-subj', '/CN=Patchbay Test CA (test only)', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const server = leaf(dir, 'server', 'IP:127.0.0.1,DNS:localhost');
  const wrongName = leaf(dir, 'wrong-name', 'DNS:other.example');
  const caPath = join(dir, 'ca.pem');
  return { dir, caPath, ca: readFileSync(caPath, 'utf8'), server, wrongName, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
