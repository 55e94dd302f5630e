// Fuzzing IPC arguments (issue 8 item 15): the contract's schemas and the one command handler both
// shells use. Whatever a compromised renderer sends, the answer is a Result — ok, or a typed error
// that is not `internal.unexpected` (which would mean a raw exception inside the core).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, Commands, ProfileSchema, WsClientFrameSchema } from '../../../preload/contract.ts';
import { createCore } from '../../../main/core/app-core.ts';
import { createLogger, memorySink } from '../../../main/core/log.ts';
import { MemorySecretStore } from '../../../main/core/secrets/secret-store.ts';
import { MemoryProfileStore } from '../../../main/core/sessions/profile-store.ts';
import { FUZZ_TIMEOUT_MS, params } from './harness.ts';

const ACTIONS = ['retry', 'sign-in-again', 'contact-it', 'none'];
const idLike = fc.oneof(fc.constantFrom('p1', 'lab-icws-agent1', '', '__proto__', 'constructor', 'a'.repeat(65), 'Bad Id', '../x'), fc.string({ maxLength: 70 }));
const serverLike = fc.oneof(fc.constantFrom('https://ic1.example.com:8019', 'http://127.0.0.1:8018', 'http://evil.example', 'javascript:alert(1)', 'file:///etc/passwd'), fc.webUrl(), fc.string());
const profileLike = fc.record(
  {
    id: idLike,
    name: fc.oneof(fc.string(), fc.constant('Site')),
    platform: fc.oneof(fc.constantFrom('icws', 'finesse', 'gws', 'genesys-cloud', 'nope'), fc.string()),
    servers: fc.oneof(fc.array(serverLike, { maxLength: 3 }), fc.jsonValue()),
    authMode: fc.oneof(fc.constantFrom('password', 'sso', 'basic'), fc.jsonValue()),
    userName: fc.oneof(fc.string(), fc.integer()),
    language: fc.oneof(fc.constantFrom('en-US', 'de-DE', ''), fc.string()),
    lab: fc.oneof(fc.boolean(), fc.jsonValue()),
    fixturePassword: fc.string(),
    options: fc.oneof(fc.dictionary(fc.constantFrom('messaging', 'heartbeat', 'pollIntervalMs', 'connectionMode', 'rememberPassword', '__proto__', 'constructor', 'x'), fc.jsonValue()), fc.jsonValue()),
  },
  { requiredKeys: [] },
);
const argsLike = fc.oneof(
  fc.record(
    {
      profileId: idLike,
      profile: profileLike,
      stateId: fc.string(),
      reasonId: fc.oneof(fc.string(), fc.integer()),
      userName: fc.string(),
      credentials: fc.oneof(fc.record({ userName: fc.string(), password: fc.string() }, { requiredKeys: [] }), fc.jsonValue()),
      level: fc.oneof(fc.constantFrom('debug', 'info', 'warn', 'error'), fc.string()),
      message: fc.string(),
      context: fc.dictionary(fc.string(), fc.jsonValue()),
      logLevel: fc.jsonValue(),
      network: fc.oneof(fc.record({ proxy: fc.oneof(fc.string(), fc.constant(null)), caBundle: fc.jsonValue() }, { requiredKeys: [] }), fc.jsonValue()),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
  fc.anything({ maxDepth: 3 }),
);
const commandLike = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...COMMAND_NAMES) }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '') }, { weight: 1, arbitrary: fc.string() });

function newCore() {
  return createCore({ profiles: new MemoryProfileStore([]), log: createLogger({ sink: memorySink() }), secrets: new MemorySecretStore() });
}

function expectResult(result: unknown): void {
  const r = result as { ok: boolean; error?: { code: unknown; message: unknown; action: unknown } };
  expect(typeof r.ok).toBe('boolean');
  if (!r.ok) {
    expect(typeof r.error?.code).toBe('string');
    expect(r.error?.code).not.toBe('internal.unexpected');
    expect(typeof r.error?.message).toBe('string');
    expect(ACTIONS).toContain(r.error?.action);
  }
}

describe('IPC arguments (fuzzed)', () => {
  it('every contract schema and the WebSocket frame schema parse any input without throwing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...COMMAND_NAMES), argsLike, fc.anything({ maxDepth: 2 }), (command, args, frame) => {
        const parsed = Commands[command].args.safeParse(args);
        expect(typeof parsed.success).toBe('boolean');
        WsClientFrameSchema.safeParse(frame);
        WsClientFrameSchema.safeParse({ id: 1, command, args });
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);

  it('the command handler answers any command and arguments with a Result, never internal.unexpected', async () => {
    // One core for the whole run; profiles.save is fuzzed below (a saved profile could be signed in
    // to, and unit tests open no sockets).
    const { handler } = newCore();
    await fc.assert(
      fc.asyncProperty(commandLike.filter((c) => c !== 'profiles.save'), argsLike, async (command, args) => {
        expectResult(await handler(command, args));
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);

  it('profiles.save keeps only valid profiles (ProfileSchema) and answers the rest with typed errors', async () => {
    await fc.assert(
      fc.asyncProperty(profileLike, async (profile) => {
        const { handler } = newCore();
        const result = await handler('profiles.save', { profile });
        expectResult(result);
        const listed = await handler('profiles.list', {});
        expect(listed.ok).toBe(true);
        for (const saved of (listed as { value: unknown[] }).value) expect(ProfileSchema.safeParse(saved).success).toBe(true);
      }),
      params(),
    );
  }, FUZZ_TIMEOUT_MS);
});
