// `patchbay probe` on SSO profiles (issue 14 item 6), as a real process against the lab Finesse with
// its IdS and SAML IdP: the browser shell's Chromium sign-in window (here headless, with the test
// acting as the agent through its CDP port), --watch seeing the 75 % token refresh, and --resume from
// a refresh token in a real keychain (gnome-keyring in a private D-Bus session).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDefaultFinesseLabs, type DefaultFinesseLabs } from '../../../lab/finesse/default-labs.ts';
import { writeProfileFiles } from '../../../lab/index.ts';
import { SessionStateSchema } from '../../../preload/contract.ts';
import { Agent, LAB_IDP_FORM } from '../saml/sso-lab.ts';
import { keyringHome, keyringToolsMissing, runWithKeyring } from '../secrets/keyring.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', '..', 'bin', 'patchbay.mjs');
const SEED = join(import.meta.dirname, 'keychain-seed.ts');
const TOKEN_SECONDS = 8;
let labs: DefaultFinesseLabs;
let dir: string;
const homes: string[] = [];

beforeAll(async () => {
  labs = await startDefaultFinesseLabs({ finesse: { accessTokenLifetimeSeconds: TOKEN_SECONDS } });
  dir = await mkdtemp(join(tmpdir(), 'pb-probe-sso-'));
  await writeProfileFiles(dir, labs.profiles);
  // The keyring children inherit this process's environment: no host policy.
  process.env.PATCHBAY_POLICY_FILE = join(dir, 'no-policy.json');
});
afterAll(async () => {
  await labs?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  for (const home of homes) await rm(home, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The sign-in window's Chromium starts when the probe reaches the IdP step: wait for its CDP port. */
async function portOpen(port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      }).once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const lines = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
const SSO_FILE = () => join(dir, 'lab-finesse-ucce-sso.json');

describe('patchbay probe with SSO profiles', () => {
  it('signs in through the headless sign-in window, sees the 75 % token refresh during --watch, signs out', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PATCHBAY_LOGIN_WINDOW_CDP_PORT: String(port) };
    delete env.DISPLAY;
    const child = run(process.execPath, [cli, 'probe', '--profile', SSO_FILE(), '--extension', '1001001', '--sign-in-window', 'headless', '--watch', String(TOKEN_SECONDS + 4), '--logout-reason', '11', '--json'], { env, timeout: 90_000 }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    // The agent's part: the IdP page in the sign-in window, typed as a person would.
    const agent = new Agent(() => `http://127.0.0.1:${port}`);
    try {
      await portOpen(port);
      await agent.signIn(labs.idp.url, LAB_IDP_FORM, 'sjefferson', 'sjefferson-idp-pw');
    } catch (error) {
      const failed = await child;
      throw new Error(`the agent could not reach the sign-in page (${String(error)}); the probe said: ${failed.stderr} ${failed.stdout}`);
    } finally {
      await agent.disconnect();
    }
    const result = await child;
    expect(result.code, result.stderr).toBe(0);
    const all = lines(result.stdout);
    const states = all.slice(0, -1).map((l) => SessionStateSchema.parse(l));
    const expiries = [...new Set(states.filter((s) => s.phase === 'active').map((s) => s.token?.expiresAt).filter(Boolean))];
    // One expiry from the sign-in, at least one more from the refresh at 75 % of 8 s.
    expect(expiries.length).toBeGreaterThanOrEqual(2);
    expect(all.at(-1)).toMatchObject({ result: 'ok', code: 0, signedOut: 'signed-out' });
    expect(labs.ucce.userState('98411').state).toBe('LOGOUT');
  });

  const missing = keyringToolsMissing();
  it.skipIf(missing !== undefined)(`--resume signs in silently from the keychain's refresh token; without one it exits 3${missing ? ` — skipped: ${missing}` : ''}`, async () => {
    const home = keyringHome();
    homes.push(home);
    // [CCXDG] a refresh needs the grant's access token still valid: give this grant minutes, not the
    // file's 8 s, so a slow keyring start on a loaded machine does not expire it before the resume.
    const tokens = labs.ucce.issueTokens('98411', 300);
    const seeded = await runWithKeyring(home, SEED, ['seed', 'lab-finesse-ucce-sso', JSON.stringify({ v: 1, refreshToken: tokens.refreshToken, userName: 'sjefferson', extension: '1001001' })], { unlock: true });
    expect(seeded.result, seeded.stderr).toEqual({ accounts: ['lab-finesse-ucce-sso:refresh-token'] });

    const resumed = await runWithKeyring(home, cli, ['probe', '--profile', SSO_FILE(), '--resume', '--logout-reason', '11', '--json'], { unlock: true, timeoutMs: 90_000 });
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    expect(resumed.result).toMatchObject({ result: 'ok', signedOut: 'signed-out', steps: [{ step: 'resume', ok: true }, { step: 'sign-out', ok: true }] });
    // The refresh token never reaches the output.
    expect(resumed.stdout).not.toContain(tokens.refreshToken);

    // Signing out consumed the saved sign-in: the next --resume has nothing to resume.
    const again = await runWithKeyring(home, cli, ['probe', '--profile', SSO_FILE(), '--resume', '--logout-reason', '11', '--json'], { unlock: true, timeoutMs: 90_000 });
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('no saved sign-in');
  });
});
