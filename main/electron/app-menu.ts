// The application menu (issue 8 item 13). Electron's default menu has View → Toggle Developer Tools,
// Reload and Force Reload: in a packaged build they would let anyone at an agent's desk open DevTools
// on the renderer or reload it mid-call. Packaged builds get a menu built only from the roles below;
// development builds keep the developer items. Pure template + a tiny installer, so plain Node tests
// can prove both.
import type { Menu as ElectronMenu, MenuItemConstructorOptions } from 'electron';

/** Menu roles that open developer tooling or reload the renderer: never in a packaged build. */
export const DEVELOPER_ROLES: ReadonlySet<string> = new Set(['toggleDevTools', 'reload', 'forceReload']);

export interface AppMenuOptions {
  packaged: boolean;
  platform: NodeJS.Platform;
  appName: string;
}

export function applicationMenuTemplate(options: AppMenuOptions): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = [];
  // macOS puts About/Hide/Quit under the app's own menu; elsewhere Quit sits in File.
  if (options.platform === 'darwin') {
    template.push({
      label: options.appName,
      submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    });
  } else {
    template.push({ label: 'File', submenu: [{ role: 'quit' }] });
  }
  // Edit roles keep copy/paste working in the renderer's text fields (macOS needs them in a menu).
  template.push({
    label: 'Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  });
  const view: MenuItemConstructorOptions[] = [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }];
  if (!options.packaged) view.unshift({ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  template.push({ label: 'View', submenu: view });
  template.push({ label: 'Window', submenu: options.platform === 'darwin' ? [{ role: 'minimize' }, { role: 'zoom' }, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }] });
  return template;
}

/** Every role in a template, depth first (tests and the packaged-build guard use it). */
export function menuRoles(template: readonly MenuItemConstructorOptions[]): string[] {
  return template.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? menuRoles(item.submenu as MenuItemConstructorOptions[]) : []),
  ]);
}

export function installApplicationMenu(menu: Pick<typeof ElectronMenu, 'buildFromTemplate' | 'setApplicationMenu'>, options: AppMenuOptions): void {
  menu.setApplicationMenu(menu.buildFromTemplate(applicationMenuTemplate(options)));
}
