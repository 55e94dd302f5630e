// The application menu (main/electron/app-menu.ts): a packaged build offers no DevTools or Reload
// (issue 8 item 13); a development build keeps them.
import { describe, expect, it } from 'vitest';
import { applicationMenuTemplate, DEVELOPER_ROLES, installApplicationMenu, menuRoles } from '../../../main/electron/app-menu.ts';

const platforms = ['win32', 'darwin', 'linux'] as const;

describe('application menu', () => {
  it.each(platforms)('has no developer items when packaged (%s)', (platform) => {
    const roles = menuRoles(applicationMenuTemplate({ packaged: true, platform, appName: 'Patchbay' }));
    expect(roles.filter((role) => DEVELOPER_ROLES.has(role))).toEqual([]);
    // Still a usable menu: quit, copy and paste work.
    expect(roles).toEqual(expect.arrayContaining(['quit', 'copy', 'paste', 'selectAll']));
  });

  it('names every developer role Electron has, in any spelling a template may use', () => {
    expect([...DEVELOPER_ROLES].sort()).toEqual(['forceReload', 'reload', 'toggleDevTools']);
  });

  it('keeps DevTools and Reload in a development build', () => {
    const roles = menuRoles(applicationMenuTemplate({ packaged: false, platform: 'linux', appName: 'Patchbay' }));
    expect(roles).toEqual(expect.arrayContaining(['toggleDevTools', 'reload', 'forceReload']));
  });

  it('puts About and Quit under the app menu on macOS, Quit under File elsewhere', () => {
    const mac = applicationMenuTemplate({ packaged: true, platform: 'darwin', appName: 'Patchbay' });
    expect(mac[0]?.label).toBe('Patchbay');
    expect(menuRoles([mac[0] ?? {}])).toEqual(expect.arrayContaining(['about', 'quit']));
    const win = applicationMenuTemplate({ packaged: true, platform: 'win32', appName: 'Patchbay' });
    expect(win[0]).toMatchObject({ label: 'File', submenu: [{ role: 'quit' }] });
  });

  it('installs the built template as the application menu (replacing Electron’s default one)', () => {
    const installed: unknown[] = [];
    installApplicationMenu(
      { buildFromTemplate: (template) => ({ built: template }) as never, setApplicationMenu: (menu) => void installed.push(menu) },
      { packaged: true, platform: 'linux', appName: 'Patchbay' },
    );
    expect(installed).toHaveLength(1);
    const built = (installed[0] as { built: Parameters<typeof menuRoles>[0] }).built;
    expect(menuRoles(built)).not.toContain('toggleDevTools');
  });
});
