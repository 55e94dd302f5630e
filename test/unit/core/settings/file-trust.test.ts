// Issue 8 item 11: on Windows the machine policy is read only when Administrators/SYSTEM own the file
// and its folder and no one else can change them. The decision is proven with a fake FileOwnerPort.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAclJson, policyFileTrust, SID, type FileOwnerPort, type FileSecurity } from '../../../../main/core/settings/file-trust.ts';
import { loadPolicy } from '../../../../main/core/settings/policy.ts';

const READ_EXECUTE = 0x1200a9;
const MODIFY = 0x1301bf;
const FULL = 0x1f01ff;
const USER = 'S-1-5-21-1004336348-1177238915-682003330-1001';

// What a default %ProgramData%\Patchbay made by an installer (admin) looks like.
const adminOwned = (): FileSecurity => ({
  ownerSid: SID.ADMINISTRATORS,
  rules: [
    { sid: SID.SYSTEM, rights: FULL, type: 'Allow' },
    { sid: SID.ADMINISTRATORS, rights: FULL, type: 'Allow' },
    { sid: SID.USERS, rights: READ_EXECUTE, type: 'Allow' },
    { sid: SID.CREATOR_OWNER, rights: 0x10000000, type: 'Allow', inheritOnly: true },
  ],
});

function fakePort(file: FileSecurity | Error, folder: FileSecurity | Error = adminOwned()): FileOwnerPort & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    inspect(path) {
      asked.push(path);
      const answer = path.endsWith('policy.json') ? file : folder;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'pb-trust-'));
const policyFile = join(dir, 'policy.json');
writeFileSync(policyFile, JSON.stringify({ proxy: 'direct', lockedProfileFields: [], logLevel: 'debug' }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('policy file trust decision', () => {
  it('trusts a file and folder owned by Administrators that users can only read', () => {
    const port = fakePort(adminOwned());
    expect(policyFileTrust(policyFile, port)).toEqual({ trusted: true });
    expect(port.asked).toEqual([policyFile, dirname(policyFile)]);
  });

  it('trusts SYSTEM and TrustedInstaller as owners', () => {
    expect(policyFileTrust(policyFile, fakePort({ ...adminOwned(), ownerSid: SID.SYSTEM }))).toEqual({ trusted: true });
    expect(policyFileTrust(policyFile, fakePort({ ...adminOwned(), ownerSid: SID.TRUSTED_INSTALLER }))).toEqual({ trusted: true });
  });

  it('distrusts a file a standard user owns (they created it in %ProgramData%)', () => {
    expect(policyFileTrust(policyFile, fakePort({ ...adminOwned(), ownerSid: USER }))).toEqual({ trusted: false, reason: `its file is owned by ${USER}, not by Administrators or SYSTEM` });
  });

  it('distrusts a file that Users, Authenticated Users, Everyone or one user may modify', () => {
    for (const sid of [SID.USERS, SID.AUTHENTICATED_USERS, SID.EVERYONE, USER]) {
      const security = adminOwned();
      security.rules.push({ sid, rights: MODIFY, type: 'Allow' });
      expect(policyFileTrust(policyFile, fakePort(security))).toEqual({ trusted: false, reason: `its file can be changed by ${sid}` });
    }
    // Only append, or only change permissions: still a way in.
    for (const rights of [0x4, 0x40000, 0x80000, 0x10000, 0x40000000]) {
      const security = adminOwned();
      security.rules.push({ sid: SID.USERS, rights, type: 'Allow' });
      expect(policyFileTrust(policyFile, fakePort(security)).trusted).toBe(false);
    }
  });

  it('distrusts a file in a folder users can write (they could replace it) or own', () => {
    const folder = adminOwned();
    folder.rules.push({ sid: SID.AUTHENTICATED_USERS, rights: 0x2 /* CreateFiles */, type: 'Allow' });
    expect(policyFileTrust(policyFile, fakePort(adminOwned(), folder))).toEqual({ trusted: false, reason: `its folder can be changed by ${SID.AUTHENTICATED_USERS}` });
    expect(policyFileTrust(policyFile, fakePort(adminOwned(), { ...adminOwned(), ownerSid: USER })).trusted).toBe(false);
  });

  it('ignores deny entries and inherit-only entries that do not apply to the object', () => {
    const security = adminOwned();
    security.rules.push({ sid: SID.USERS, rights: MODIFY, type: 'Deny' }, { sid: SID.USERS, rights: MODIFY, type: 'Allow', inheritOnly: true });
    expect(policyFileTrust(policyFile, fakePort(security))).toEqual({ trusted: true });
  });

  it('distrusts a file whose owner cannot be checked', () => {
    expect(policyFileTrust(policyFile, fakePort(new Error('PowerShell could not run')))).toEqual({ trusted: false, reason: "its file's owner could not be checked (PowerShell could not run)" });
  });
});

describe('loadPolicy on Windows', () => {
  it('applies a trusted policy', () => {
    const load = loadPolicy({ path: policyFile, platform: 'win32', fileOwner: fakePort(adminOwned()) });
    expect(load.rejected).toEqual([]);
    expect(load.policy.proxy).toBe('direct');
  });

  it('applies nothing from an untrusted policy and says why', () => {
    const load = loadPolicy({ path: policyFile, platform: 'win32', fileOwner: fakePort({ ...adminOwned(), ownerSid: USER }) });
    expect(load.found).toBe(true);
    expect(load.policy.proxy).toBeUndefined();
    expect(load.policy.logLevel).toBeUndefined();
    expect(load.rejected).toEqual([{ key: '(file)', reason: expect.stringMatching(/^not trusted: its file is owned by S-1-5-21-.*no part of the policy was applied/) }]);
  });

  it('does not check owners on Linux and macOS (root-only folders) unless a port is given', () => {
    expect(loadPolicy({ path: policyFile, platform: 'linux' }).policy.proxy).toBe('direct');
    expect(loadPolicy({ path: policyFile, platform: 'linux', fileOwner: fakePort({ ...adminOwned(), ownerSid: USER }) }).policy.proxy).toBeUndefined();
  });
});

describe('Get-Acl answer', () => {
  it('parses the owner and rules, a single rule given as an object, and negative rights', () => {
    expect(parseAclJson(JSON.stringify({ owner: SID.ADMINISTRATORS, rules: { sid: SID.USERS, rights: -1610612736, type: 'Allow', inheritOnly: false } }))).toEqual({
      ownerSid: SID.ADMINISTRATORS,
      rules: [{ sid: SID.USERS, rights: 0xa0000000, type: 'Allow', inheritOnly: false }],
    });
  });

  it('throws on anything else (which loadPolicy turns into distrust)', () => {
    expect(() => parseAclJson('not json')).toThrow('Get-Acl gave no JSON');
    expect(() => parseAclJson('{"owner":"BUILTIN\\\\Administrators","rules":[]}')).toThrow('unexpected answer');
  });
});
