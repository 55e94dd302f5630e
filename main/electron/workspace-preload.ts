// The workspace view's preload (issue 12): main owns it, it runs sandboxed and context-isolated in the
// host page (patchbay-workspace://host/) and carries messages between the component frame and main.
// Exposes nothing to the page. Shipped as the single-file CJS bundle dist/preload/workspace.cjs
// (main/electron/build/bundle-preload.ts): sandboxed preloads cannot require relative modules.
import { ipcRenderer } from 'electron';
import { installWorkspaceHost, type HostWindow } from './workspace-host-frame.ts';

installWorkspaceHost(globalThis as unknown as HostWindow, ipcRenderer);
