// The layer table of DESIGN.md is enforced by lint; these prove each rule fires (and stays quiet
// on allowed imports), so a config edit cannot silently switch it off.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules (DESIGN.md "Layers and what each may touch")', () => {
  it('flags electron imported under main/core', async () => {
    const messages = await restrictedImports('main/core/net/example.ts', "import { app } from 'electron';\nexport const a = app;\n");
    expect(messages.join()).toMatch(/plain Node/);
  });

  it('flags main/core importing the lab or a shell', async () => {
    expect(await restrictedImports('main/core/x.ts', "import '../../lab/index.ts';\n")).toHaveLength(1);
    expect(await restrictedImports('main/core/x.ts', "import '../browser-shell/server.ts';\n")).toHaveLength(1);
  });

  it('lets main/core import node modules and the contract', async () => {
    expect(await restrictedImports('main/core/x.ts', "import 'node:fs';\nimport '../../preload/contract.ts';\n")).toEqual([]);
  });

  it('flags the renderer importing main or node', async () => {
    expect(await restrictedImports('renderer/api/x.ts', "import '../../main/core/log.ts';\n")).toHaveLength(1);
    expect(await restrictedImports('renderer/api/x.ts', "import 'node:fs';\n")).toHaveLength(1);
    expect(await restrictedImports('renderer/api/x.ts', "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n")).toHaveLength(1);
  });

  it('lets the renderer import the contract', async () => {
    expect(await restrictedImports('renderer/api/x.ts', "import '../../preload/contract.ts';\n")).toEqual([]);
  });

  it('flags the lab importing client code', async () => {
    expect(await restrictedImports('lab/icws/x.ts', "import '../../main/core/errors.ts';\n")).toHaveLength(1);
    expect(await restrictedImports('lab/icws/x.ts', "import '../../preload/contract.ts';\n")).toHaveLength(1);
  });

  it('flags the browser shell importing electron or the lab', async () => {
    expect(await restrictedImports('main/browser-shell/x.ts', "import 'electron';\n")).toHaveLength(1);
    expect(await restrictedImports('main/browser-shell/x.ts', "import '../../lab/index.ts';\n")).toHaveLength(1);
  });
});
