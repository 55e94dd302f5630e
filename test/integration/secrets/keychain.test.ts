// Secrets against a real Secret Service (CARD-02): gnome-keyring in a private D-Bus session, one per
// child process, so the test needs nothing from the environment it runs in.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyringHome, keyringToolsMissing, runWithKeyring, runWithoutBus } from './keyring.ts';

const CHILD = join(import.meta.dirname, 'keychain-child.ts');
const missing = keyringToolsMissing();
const homes: string[] = [];
const home = () => {
  const dir = keyringHome();
  homes.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of homes) rmSync(dir, { recursive: true, force: true });
});

// Each test starts up to three child processes, each with its own D-Bus session and keyring daemon:
// ~17 s for the resume test on an idle machine, so the default 20 s limit left no headroom under load.
describe.skipIf(missing !== undefined)(`keychain (gnome-keyring)${missing ? ` — skipped: ${missing}` : ''}`, { timeout: 60_000 }, () => {
  it('stores each kind under service Patchbay, account <profileId>:<kind>, and deletes it', async () => {
    const run = await runWithKeyring(home(), CHILD, ['store-kinds', `rt-${Date.now()}`], { unlock: true });
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toEqual({ backend: 'keychain', accounts: ['p1:password', 'p1:refresh-token'], readBack: true, deleted: true, after: [] });
  });

  it('signs in, quits, and at the next start resumes from the keychain with no prompt; sign-out deletes the token [CARD-02]', async () => {
    const dir = home();
    const token = `rt-${Date.now()}-resume`;
    const first = await runWithKeyring(dir, CHILD, ['sign-in-and-quit', token], { unlock: true });
    expect(first.code, first.stderr).toBe(0);
    expect(first.result).toEqual({ backend: 'keychain', accounts: ['keyring-site:refresh-token'] });

    // A new D-Bus session and keyring daemon on the same HOME: a restart.
    const second = await runWithKeyring(dir, CHILD, ['resume', token], { unlock: true });
    expect(second.code, second.stderr).toBe(0);
    expect(second.result).toEqual({ backend: 'keychain', outcomes: [{ profileId: 'keyring-site', outcome: 'resumed' }], phase: 'active', accounts: ['keyring-site:refresh-token'] });

    const third = await runWithKeyring(dir, CHILD, ['sign-out', token], { unlock: true });
    expect(third.result).toEqual({ backend: 'keychain', accounts: [] });
  });

  it('deletes a saved token the platform no longer accepts', async () => {
    const dir = home();
    await runWithKeyring(dir, CHILD, ['sign-in-and-quit', 'rt-old'], { unlock: true });
    const run = await runWithKeyring(dir, CHILD, ['resume', 'rt-new'], { unlock: true });
    expect(run.result).toMatchObject({ backend: 'keychain', outcomes: [{ profileId: 'keyring-site', outcome: 'expired' }], phase: 'signed-out', accounts: [] });
  });

  it('degrades to memory with one warning when the keychain is locked [CARD-02]', async () => {
    const dir = home();
    // Create the login keyring (unlocked), then start a session that does not unlock it.
    await runWithKeyring(dir, CHILD, ['store-kinds', 'x'], { unlock: true });
    const run = await runWithKeyring(dir, CHILD, ['sign-in-and-quit', 'rt-locked'], { unlock: false });
    expect(run.code, run.stderr).toBe(0);
    const result = run.result as { backend: string; warning?: string; accounts: string[] };
    expect(result.backend).toBe('memory');
    expect(result.warning).toMatch(/keychain is not available: (the keychain is locked|no keychain has been set up).*in memory only/);
  });
});

describe('keychain without a Secret Service', () => {
  it('degrades to memory with one warning when there is no D-Bus session at all', async () => {
    const run = await runWithoutBus(CHILD, ['sign-in-and-quit', 'rt-nobus']);
    expect(run.code, run.stderr).toBe(0);
    const result = run.result as { backend: string; warning?: string };
    expect(result.backend).toBe('memory');
    expect(result.warning).toMatch(/no Secret Service is running/);
  });
});
