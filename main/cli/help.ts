// Help text of every `patchbay` command (issue 14 item 1): options, environment variables, exit
// codes and an example each, written from one table so `patchbay help`, `patchbay X --help` and
// README cannot drift apart.

export interface CommandHelp {
  name: string;
  summary: string;
  usage: string;
  options: [string, string][];
  env: [string, string][];
  examples: string[];
  /** Extra paragraph (what the command does, in words). */
  about?: string;
}

const EXIT_CODES: [string, string][] = [
  ['0', 'ok'],
  ['1', 'the check failed (sign-in, state change, session lost, policy key rejected, …)'],
  ['2', 'usage: an unknown option or a missing or bad value'],
  ['3', 'configuration: bad or missing profile file, password, data directory or keychain'],
];

const COMMON_ENV: [string, string][] = [['PATCHBAY_POLICY_FILE', 'use this machine policy instead of the OS location']];

export const COMMANDS: Record<string, CommandHelp> = {
  start: {
    name: 'start',
    summary: 'start the app (Electron when present, else the browser shell)',
    usage: 'patchbay start [--lab | --no-lab] [--port N] [--no-open] [--browser-shell] [--verbose]',
    about:
      'Prints one block saying where the app is (and, when the built-in lab runs, its servers, fault controls and users), then runs until Ctrl+C or SIGTERM, which stop the lab and every child and remove the temporary directories.',
    options: [
      ['--lab', 'start the built-in lab even when real profiles exist'],
      ['--no-lab', 'never start the lab'],
      ['--port N', 'browser shell port on 127.0.0.1 (default: a free port)'],
      ['--no-open', 'do not open the app window; print the URL only'],
      ['--browser-shell', 'use the browser shell even when Electron is installed'],
      ['--verbose', 'also print the log lines on the terminal (they always go to the log file)'],
      ['-h, --help', 'this help'],
    ],
    env: [
      ['PATCHBAY_DATA_DIR', 'the user data directory (settings, logs)'],
      ['PATCHBAY_LOG_LEVEL', 'debug | info | warn | error (IT policy wins)'],
      ['PATCHBAY_TIME_SCALE', 'development only: run the app clock N times faster'],
      ['PATCHBAY_KEYCHAIN_SERVICE', 'development and tests only: the keychain service name (default Patchbay)'],
      ['CHROMIUM_PATH', 'the Chromium for sign-in windows (default /usr/bin/chromium)'],
      ...COMMON_ENV,
    ],
    examples: ['npx patchbay start --no-open --port 8080', 'npm start'],
  },
  lab: {
    name: 'lab',
    summary: 'run the emulated contact center until interrupted',
    usage: 'patchbay lab [--profiles-out DIR]',
    options: [
      ['--profiles-out DIR', 'write one profile file per lab user into DIR'],
      ['-h, --help', 'this help'],
    ],
    env: [['PATCHBAY_LAB_FINESSE_TOKEN_SECONDS', "lifetime of the lab IdS's access tokens"]],
    examples: ['npx patchbay lab --profiles-out .lab-profiles'],
  },
  probe: {
    name: 'probe',
    summary: "IT's synthetic sign-in check (a monitor: it leaves nothing behind)",
    usage:
      'patchbay probe --profile FILE [--extension N] [--set-state ID [--reason ID]] [--logout-reason ID] [--watch SECONDS]\n' +
      '               [--sign-in-window headless|visible | --resume] [--stay] [--json]',
    about:
      'Signs in with the profile, optionally sets the agent state and watches the session, then signs out what it signed in ' +
      '(and says so) — also when a step fails or on Ctrl+C — unless --stay is given. Exits 0 only when the session became ' +
      'active and every step succeeded; otherwise one clear line on stderr.',
    options: [
      ['--profile FILE', 'one profile as JSON (as the app or `patchbay lab --profiles-out` writes it); required'],
      ['--extension N', 'the phone extension to sign in on (Finesse)'],
      ['--set-state ID', 'set this agent state after signing in (an id from the state list)'],
      ['--reason ID', 'the reason code for --set-state (Finesse Not Ready / Logout)'],
      ['--logout-reason ID', 'the Logout reason (id or label) for the final sign-out (Finesse); without it the probe signs out with no reason, never a default one'],
      ['--watch SECONDS', 'keep the session this long (0–86400), refreshing the token like the app'],
      ['--sign-in-window MODE', 'SSO profiles: headless (default; completes where no typing is needed: an IdP session, integrated Windows auth, an IdS that answers at once) or visible'],
      ['--resume', 'sign in silently with the refresh token a previous interactive sign-in left in the keychain'],
      ['--stay', 'stay signed in at the end (keeps the saved sign-in for the next --resume)'],
      ['--json', 'print one JSON line per session change, then one summary line'],
      ['-h, --help', 'this help'],
    ],
    env: [
      ['PATCHBAY_PASSWORD', 'the password for password profiles (wins over a lab fixture password)'],
      ['PATCHBAY_LOG_LEVEL', 'log lines on stderr at this level (default: errors only)'],
      ['CHROMIUM_PATH', 'the Chromium for the sign-in window (default /usr/bin/chromium)'],
      ['HTTPS_PROXY, NO_PROXY', 'the proxy, unless the machine policy sets one'],
      ...COMMON_ENV,
    ],
    examples: [
      'PATCHBAY_PASSWORD=… patchbay probe --profile site.json --extension 1001 --set-state NOT_READY --reason 1 --watch 30 --json',
      'patchbay probe --profile sso-site.json --resume --watch 600 --json | tail -n 1',
    ],
  },
  diagnostics: {
    name: 'diagnostics',
    summary: 'write the "Export diagnostics" zip from the files on disk',
    usage: 'patchbay diagnostics --out FILE [--data-dir DIR] [--force]',
    options: [
      ['--out FILE', 'the zip to write; required'],
      ['--data-dir DIR', 'the user data directory to read (must exist; default: the OS location)'],
      ['--force', 'overwrite FILE when it exists'],
      ['-h, --help', 'this help'],
    ],
    env: [['PATCHBAY_DATA_DIR', 'the user data directory when --data-dir is not given'], ...COMMON_ENV],
    examples: ['npx patchbay diagnostics --out ~/patchbay-diagnostics.zip'],
  },
  policy: {
    name: 'policy',
    summary: 'validate a machine policy before rolling it out',
    usage: 'patchbay policy check [--file FILE] [--json]',
    about: 'Prints the effective settings the policy gives and every rejected key with the reason; exits 1 when any key is rejected.',
    options: [
      ['--file FILE', 'the policy to check (default: PATCHBAY_POLICY_FILE, else the OS location)'],
      ['--json', 'print the result as one JSON object'],
      ['-h, --help', 'this help'],
    ],
    env: COMMON_ENV,
    examples: ['patchbay policy check --file ./policy.json'],
  },
};

export const VERSION_HELP = 'patchbay --version | -V     print the version';

function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
}

export function commandHelp(name: string): string {
  const command = COMMANDS[name];
  if (!command) return overview();
  return [
    `patchbay ${command.name}: ${command.summary}`,
    '',
    `usage: ${command.usage}`,
    ...(command.about ? ['', command.about] : []),
    '',
    'options:',
    table(command.options),
    '',
    'environment:',
    table(command.env),
    '',
    'exit codes:',
    table(EXIT_CODES),
    '',
    'example:',
    ...command.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}

export function overview(): string {
  return [
    'patchbay: the contact-center agent client, its lab and its IT tools',
    '',
    'usage:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.split('\n').join('\n  ')}`),
    `  patchbay help [COMMAND]  |  patchbay COMMAND --help`,
    `  ${VERSION_HELP}`,
    '',
    'commands:',
    table(Object.values(COMMANDS).map((c) => [c.name, c.summary])),
    '',
    'environment (probe): PATCHBAY_PASSWORD — the password for password profiles',
    '',
    'exit codes:',
    table(EXIT_CODES),
    '',
    'example:',
    '  PATCHBAY_PASSWORD=… patchbay probe --profile site.json --extension 1001 --json',
    '',
  ].join('\n');
}
