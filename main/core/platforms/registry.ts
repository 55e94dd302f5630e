// The adapters available in this build (DESIGN.md "platforms/").
import type { Platform } from '../../../preload/contract.ts';
import { createFinesseSession } from './finesse/finesse-session.ts';
import { createGenesysCloudSession } from './genesys-cloud/genesys-cloud-session.ts';
import { createGwsSession } from './gws/gws-session.ts';
import { createIcwsSession } from './icws/icws-session.ts';
import type { PlatformSessionFactory } from './platform.ts';

// A full Record, not a Partial: every platform the contract's PLATFORMS names (the one list the
// profile editor offers) must have its adapter here, or the typecheck fails (issue 13 item 14).
export const platformFactories: Record<Platform, PlatformSessionFactory> = {
  icws: createIcwsSession,
  finesse: createFinesseSession,
  gws: createGwsSession,
  'genesys-cloud': createGenesysCloudSession,
};
