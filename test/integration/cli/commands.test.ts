// The `patchbay` command line through the real binary (issue 14 items 1, 4, 5, 7): --help on every
// command and subcommand, --version, the documented exit codes, diagnostics that never overwrite by
// accident, and `policy check`.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 120_000 });

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'patchbay.mjs');
const execFileAsync = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'pb-cli-commands-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function patchbay(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [BIN, ...args], { timeout: 60_000, env: { ...process.env, PATCHBAY_POLICY_FILE: join(dir, 'no-policy.json'), ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('patchbay --help and --version', () => {
  it.each([
    ['probe', ['--profile FILE', '--extension N', '--reason ID', '--set-state ID', '--watch SECONDS', '--sign-in-window', '--resume', '--stay', '--json', 'PATCHBAY_PASSWORD']],
    ['diagnostics', ['--out FILE', '--data-dir DIR', '--force']],
    ['lab', ['--profiles-out DIR']],
    ['start', ['--lab', '--no-lab', '--port N', '--no-open', '--verbose']],
    ['policy', ['--file FILE']],
  ])('`%s --help` and `-h` print its options, environment, exit codes and an example, exit 0', async (command, options) => {
    for (const flag of ['--help', '-h']) {
      const result = await patchbay(command === 'policy' ? ['policy', 'check', flag] : [command, flag]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
      for (const option of options) expect(result.stdout).toContain(option);
      expect(result.stdout).toContain('environment:');
      expect(result.stdout).toMatch(/exit codes:\n {2}0 {2}ok\n {2}1 .+\n {2}2 {2}usage.+\n {2}3 {2}configuration/);
      expect(result.stdout).toMatch(/example:\n {2}.*patchbay/);
    }
  });

  it('`patchbay help` and `patchbay` print the usage with every command and PATCHBAY_PASSWORD, exit 0; `help probe` is the probe help', async () => {
    for (const args of [['help'], [], ['--help']]) {
      const result = await patchbay(args);
      expect(result.code, args.join(' ')).toBe(0);
      for (const text of ['patchbay start', 'patchbay lab', 'patchbay probe', '--extension N', '--reason ID', 'patchbay diagnostics', 'patchbay policy check', 'PATCHBAY_PASSWORD', '--version']) expect(result.stdout).toContain(text);
    }
    const probeHelp = await patchbay(['help', 'probe']);
    expect(probeHelp.code).toBe(0);
    expect(probeHelp.stdout).toContain('--sign-in-window');
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await patchbay([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`patchbay ${version}\n`);
    }
  });

  it('an unknown command or option exits 2 with one line naming it', async () => {
    const command = await patchbay(['frobnicate']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/There is no command "frobnicate"/);
    const option = await patchbay(['diagnostics', '--out', join(dir, 'x.zip'), '--colour']);
    expect(option.code).toBe(2);
    expect(option.stderr).toBe("patchbay diagnostics: Unknown option '--colour' [cli.usage]\n");
  });
});

describe('patchbay diagnostics', () => {
  const data = join(dir, 'data');
  mkdirSync(join(data, 'logs'), { recursive: true });

  it('refuses to overwrite an existing file without --force, and overwrites with it', async () => {
    const out = join(dir, 'existing.zip');
    writeFileSync(out, 'an earlier zip IT still needs');
    const refused = await patchbay(['diagnostics', '--out', out, '--data-dir', data]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(out, 'utf8')).toBe('an earlier zip IT still needs');
    const forced = await patchbay(['diagnostics', '--out', out, '--data-dir', data, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK');
  });

  it('a missing --data-dir is a configuration error (3), and no zip is written', async () => {
    const out = join(dir, 'nothing.zip');
    const result = await patchbay(['diagnostics', '--out', out, '--data-dir', join(dir, 'no-such-dir')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/There is no Patchbay data directory at .*no-such-dir.*\[cli\.data-dir-missing\]/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('patchbay policy check', () => {
  it('a valid policy: exit 0 and the effective settings', async () => {
    const file = join(dir, 'good.jsonc');
    writeFileSync(file, '// IT test\n{ "logLevel": "warn", "proxy": "direct", "silentResume": false }');
    const result = await patchbay(['policy', 'check', '--file', file]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Policy ${file}: valid`);
    expect(result.stdout).toContain('logLevel: "warn"');
    expect(result.stdout).toContain('silentResume: false');
  });

  it('a rejected key: exit 1, the key and the reason, and what still applies', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ logLevel: 'shouty', caBundle: 'relative.pem', rememberPassword: true, colour: 'red' }));
    const result = await patchbay(['policy', 'check', '--file', file, '--json']);
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { valid: boolean; rejected: { key: string; reason: string }[]; effective: { rememberPassword: boolean } };
    expect(parsed.valid).toBe(false);
    expect(parsed.rejected.map((r) => r.key).sort()).toEqual(['caBundle', 'colour', 'logLevel']);
    expect(parsed.rejected.find((r) => r.key === 'colour')?.reason).toBe('unknown policy key');
    expect(parsed.effective.rememberPassword).toBe(true);
    const text = await patchbay(['policy', 'check', '--file', file]);
    expect(text.stdout).toMatch(/rejected logLevel: .+/);
  });

  it('reads PATCHBAY_POLICY_FILE without --file; a missing file is a configuration error (3)', async () => {
    const file = join(dir, 'env.json');
    writeFileSync(file, '{ "allowUserProfiles": "no" }');
    const fromEnv = await patchbay(['policy', 'check'], { PATCHBAY_POLICY_FILE: file });
    expect(fromEnv.code).toBe(1);
    expect(fromEnv.stdout).toContain('rejected allowUserProfiles');
    const missing = await patchbay(['policy', 'check', '--file', join(dir, 'absent.json')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('There is no policy file');
    const noSub = await patchbay(['policy', 'lint']);
    expect(noSub.code).toBe(2);
  });
});
