// The typed IPC contract between the renderer and the main process (DESIGN.md "The contract").
// Every command argument and every event is described by a zod schema; main validates with them.
// No token, cookie or password field exists in any type here (CARD-03, GC-04) — the sign-in
// password travels only in `session.signIn`'s `credentials`, a write-only command argument that
// never comes back in a result or event.
//
// This file is the one entry point every importer uses (main, preload, renderer, tests); the schemas
// live in preload/contract/ by concern (the brief's ~500-line rule). contract/fields.ts is internal.
export * from './contract/profiles.ts';
export * from './contract/platform-options.ts';
export * from './contract/errors.ts';
export * from './contract/session.ts';
export * from './contract/workspace.ts';
export * from './contract/settings.ts';
export * from './contract/commands.ts';
