// Windows policy file trust (issue 8 item 11). %ProgramData% lets standard users create files and
// folders, so any user could plant %ProgramData%\Patchbay\policy.json (a proxy, a CA bundle, an
// update feed) for every agent on the machine. The policy is read only when the file and its folder
// are owned by Administrators or SYSTEM and no one else may write, delete or re-permission them.
// The decision is pure (policyFileTrust); FileOwnerPort gathers the facts (the real one asks
// PowerShell's Get-Acl, on win32 only).
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { z } from 'zod';

/** Well-known SIDs (MS-DTYP §2.4.2.4). */
export const SID = {
  SYSTEM: 'S-1-5-18',
  ADMINISTRATORS: 'S-1-5-32-544',
  TRUSTED_INSTALLER: 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464',
  CREATOR_OWNER: 'S-1-3-0',
  USERS: 'S-1-5-32-545',
  AUTHENTICATED_USERS: 'S-1-5-11',
  EVERYONE: 'S-1-1-0',
} as const;

const TRUSTED_OWNERS = new Set<string>([SID.SYSTEM, SID.ADMINISTRATORS, SID.TRUSTED_INSTALLER]);
// CREATOR OWNER entries are inherit-only templates that apply to whoever creates a child; the
// owner check covers that creator.
const TRUSTED_WRITERS = new Set<string>([...TRUSTED_OWNERS, SID.CREATOR_OWNER]);

/** FileSystemRights bits that let a principal change what Patchbay reads (MS-DTYP §2.4.3; .NET
 *  FileSystemRights): WriteData/CreateFiles, AppendData/CreateDirectories, WriteExtendedAttributes,
 *  DeleteSubdirectoriesAndFiles, WriteAttributes, Delete, ChangePermissions (WRITE_DAC),
 *  TakeOwnership (WRITE_OWNER), and GENERIC_WRITE / GENERIC_ALL. */
export const WRITE_RIGHTS = 0x2 | 0x4 | 0x10 | 0x40 | 0x100 | 0x10000 | 0x40000 | 0x80000 | 0x40000000 | 0x10000000;

export interface AccessRule {
  sid: string;
  /** FileSystemRights as a number. */
  rights: number;
  type: 'Allow' | 'Deny';
  /** Inherit-only entries do not apply to the object itself. */
  inheritOnly?: boolean;
}

export interface FileSecurity {
  ownerSid: string;
  rules: AccessRule[];
}

/** Reads a file's (or folder's) owner and access rules. Throws when it cannot tell. */
export interface FileOwnerPort {
  inspect(path: string): FileSecurity;
}

export type Trust = { trusted: true } | { trusted: false; reason: string };

/** Whether one object (the policy file or its folder) may be trusted. */
export function objectTrust(what: string, security: FileSecurity): Trust {
  if (!TRUSTED_OWNERS.has(security.ownerSid)) {
    return { trusted: false, reason: `its ${what} is owned by ${security.ownerSid}, not by Administrators or SYSTEM` };
  }
  for (const rule of security.rules) {
    if (rule.type !== 'Allow' || rule.inheritOnly) continue;
    if ((rule.rights & WRITE_RIGHTS) === 0) continue;
    if (!TRUSTED_WRITERS.has(rule.sid)) return { trusted: false, reason: `its ${what} can be changed by ${rule.sid}` };
  }
  return { trusted: true };
}

/** The decision for a machine policy file: the file and the folder holding it must both be trusted
 *  (whoever may write the folder can replace the file). Any failure to inspect is distrust. */
export function policyFileTrust(path: string, port: FileOwnerPort): Trust {
  for (const [what, target] of [
    ['file', path],
    ['folder', dirname(path)],
  ] as const) {
    let security: FileSecurity;
    try {
      security = port.inspect(target);
    } catch (error) {
      return { trusted: false, reason: `its ${what}'s owner could not be checked (${error instanceof Error ? error.message : 'unknown error'})` };
    }
    const trust = objectTrust(what, security);
    if (!trust.trusted) return trust;
  }
  return { trusted: true };
}

const AclSchema = z.object({
  owner: z.string().regex(/^S-1-[0-9-]+$/),
  rules: z
    .array(z.object({ sid: z.string(), rights: z.number().int(), type: z.enum(['Allow', 'Deny']), inheritOnly: z.boolean() }))
    .or(z.object({ sid: z.string(), rights: z.number().int(), type: z.enum(['Allow', 'Deny']), inheritOnly: z.boolean() }).transform((one) => [one])),
});

// Get-Acl with SIDs (never names: they are localised). ConvertTo-Json turns a one-element array
// into an object, hence the `.or` above. The path arrives through the environment, never spliced
// into the script.
const PS_SCRIPT = [
  '$acl = Get-Acl -LiteralPath $env:PATCHBAY_ACL_PATH;',
  '$sid = [System.Security.Principal.SecurityIdentifier];',
  '$rules = @($acl.GetAccessRules($true, $true, $sid) | ForEach-Object { @{ sid = $_.IdentityReference.Value; rights = [int]$_.FileSystemRights; type = [string]$_.AccessControlType; inheritOnly = (($_.PropagationFlags -band 2) -ne 0) } });',
  '@{ owner = $acl.GetOwner($sid).Value; rules = $rules } | ConvertTo-Json -Depth 4 -Compress',
].join(' ');

/** The real port on Windows: Windows PowerShell 5 (present on every supported Windows). */
export const powershellFileOwnerPort: FileOwnerPort = {
  inspect(path) {
    const systemRoot = process.env.SystemRoot ?? 'C:\\Windows';
    const result = spawnSync(`${systemRoot}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe`, ['-NoProfile', '-NonInteractive', '-Command', PS_SCRIPT], {
      env: { ...process.env, PATCHBAY_ACL_PATH: path },
      encoding: 'utf8',
      timeout: 15_000,
      windowsHide: true,
    });
    if (result.error) throw new Error(`PowerShell could not run: ${result.error.message}`);
    if (result.status !== 0) throw new Error(`Get-Acl failed (exit ${result.status})`);
    return parseAclJson(result.stdout);
  },
};

/** The PowerShell output, validated. */
export function parseAclJson(text: string): FileSecurity {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('Get-Acl gave no JSON');
  }
  const parsed = AclSchema.safeParse(raw);
  if (!parsed.success) throw new Error('Get-Acl gave an unexpected answer');
  return { ownerSid: parsed.data.owner, rules: parsed.data.rules.map((r) => ({ sid: r.sid, rights: r.rights >>> 0, type: r.type, inheritOnly: r.inheritOnly })) };
}
