// Chromium launch for the browser shell's sign-in window (main/browser-shell/login-window.ts): the
// flags, the CDP port for tests, the app-window arguments and the title script. No browser here.
import { createServer } from 'node:net';
import { loginUnavailable } from '../core/auth/login-window-support.ts';
import type { LoginWindowRequest } from '../core/auth/login-window.ts';

export const CDP_PORT_ENV = 'PATCHBAY_LOGIN_WINDOW_CDP_PORT';
/** shared/rigs/toolchain.md: the flags Debian Chromium runs with here. */
const CHROMIUM_FLAGS = ['--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Chromium proxy rules (main/core/net/proxy.ts loginWindowProxy): the window uses the core's proxy. */
export interface LoginWindowProxyRules {
  proxyRules: string;
  proxyBypassRules: string;
}

/** What the launch flags depend on (a part of ChromiumLoginWindowOptions). */
export interface LaunchFlagOptions {
  proxy?: LoginWindowProxyRules;
  remoteDebuggingPort?: number;
  args?: string[];
}

/** Default: $CHROMIUM_PATH or /usr/bin/chromium. */
export function chromiumExecutable(executablePath: string | undefined): string {
  return executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export function defaultHeadless(): boolean {
  if (process.platform !== 'linux') return false;
  return !(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function portFromEnv(): number | undefined {
  const raw = process.env[CDP_PORT_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw loginUnavailable(`${CDP_PORT_ENV} must be a port number`);
  return port;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The command line of one Chromium: the rig's flags, the caller's, no sandbox as root, CDP on
 *  127.0.0.1 when asked (0 = a free port, returned), and the core's proxy. */
export async function launchFlags(options: LaunchFlagOptions): Promise<{ args: string[]; port: number | undefined }> {
  const requestedPort = options.remoteDebuggingPort ?? portFromEnv();
  const port = requestedPort === 0 ? await freePort() : requestedPort;
  const args = [...CHROMIUM_FLAGS, ...(options.args ?? [])];
  // Chromium refuses its sandbox as root (CI containers); a desktop user keeps it.
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  if (port !== undefined) args.push(`--remote-debugging-port=${port}`, '--remote-debugging-address=127.0.0.1');
  if (options.proxy?.proxyRules) {
    args.push(`--proxy-server=${options.proxy.proxyRules}`);
    if (options.proxy.proxyBypassRules) args.push(`--proxy-bypass-list=${options.proxy.proxyBypassRules}`);
  }
  return { args, port };
}

/** Issue 13 item 8: the window title shows the host of the page the agent types their password on
 *  ("Sign in — host"), kept so when the page sets its own title (it could claim anything). Runs in
 *  every document of the sign-in context before the page's scripts; top frame only. */
export const SIGN_IN_TITLE_SCRIPT = `(() => {
  if (window.top !== window) return;
  const wanted = 'Sign in \u2014 ' + location.host;
  const keep = () => { if (document.title !== wanted) document.title = wanted; };
  document.addEventListener('DOMContentLoaded', () => {
    keep();
    new MutationObserver(keep).observe(document.documentElement, { subtree: true, childList: true, characterData: true });
  });
})();`;

/** The first page of an app-mode sign-in window; the journey navigates it to the sign-in page. */
export const APP_WINDOW_START = 'data:text/html,<title>Sign in</title>';

/** Issue 13 item 8: the flags of a sign-in app window. `--app=` gives the window no tab strip and no
 *  address bar (the title names the page's host instead); a window that may stay hidden ('never',
 *  'when-needed') opens off-screen and is moved on screen when the page waits for the agent. */
export function appWindowArgs(visible: LoginWindowRequest['visible']): string[] {
  const args = [`--app=${APP_WINDOW_START}`];
  if (visible !== 'always') args.push('--window-position=-32000,-32000');
  return args;
}
