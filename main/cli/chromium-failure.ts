// Why Chromium could not open the app window (issue 14 item 9), in one line, from its exit and the
// last lines of its stderr: as root without a sandbox, no display, a missing shared library.

export function describeChromiumFailure(stderr: string, exit: { code: number | null; signal: NodeJS.Signals | null; spawnError?: string }): string {
  if (exit.spawnError) return `Chromium could not be started (${exit.spawnError})`;
  if (/as root without --no-sandbox/i.test(stderr)) return 'Chromium refuses to run as root without its sandbox (start Patchbay as a normal user)';
  const library = /error while loading shared libraries: ([^:\s]+)/.exec(stderr)?.[1];
  if (library) return `Chromium is missing the system library ${library} (install it with the package manager)`;
  if (/Missing X server or \$DISPLAY|cannot open display|Gtk: cannot open display/i.test(stderr)) return 'Chromium found no display to open a window on';
  const last = stderr
    .split('\n')
    .map((line) => line.replace(/^\[[^\]]*\]\s*/, '').trim())
    .filter(Boolean)
    .at(-1);
  const how = exit.signal ? `was stopped by ${exit.signal}` : `exited with code ${exit.code ?? '?'}`;
  return `Chromium ${how}${last ? ` (${last.slice(0, 160)})` : ''}`;
}
