// The Genesys Cloud lab's fake org: users, presence definitions, scopes and the OAuth clients IT
// registered (shared/protocols/genesys-cloud.md §1, §3, §6). Fixture values only, nothing real.

export interface GenesysCloudLabUser {
  /** What the agent types on the login page (the e-mail works too). */
  userName: string;
  password: string;
  id: string;
  name: string;
  email: string;
}

export function defaultGenesysCloudUsers(): GenesysCloudLabUser[] {
  return [
    { userName: 'gc-agent1', password: 'gc-agent1-lab-pw', id: '7d1a3a52-0c5e-4c1e-9a41-000000000001', name: 'Gia Agent', email: 'gc-agent1@genesys.lab.invalid' },
    { userName: 'gc-agent2', password: 'gc-agent2-lab-pw', id: '7d1a3a52-0c5e-4c1e-9a41-000000000002', name: 'Cole Agent', email: 'gc-agent2@genesys.lab.invalid' },
    { userName: 'gc-supervisor1', password: 'gc-supervisor1-lab-pw', id: '7d1a3a52-0c5e-4c1e-9a41-000000000003', name: 'Sue Pervisor', email: 'gc-supervisor1@genesys.lab.invalid' },
  ];
}

export const LAB_ORG = { id: 'b5e0c7a0-4f3b-4d7a-8c11-00000000a001', name: 'Patchbay Lab Org' } as const;

/** The public (PKCE) client: no secret exists for it (GC-01). */
export const LAB_PUBLIC_CLIENT_ID = 'c0ffee00-9c1d-4b7e-a5f2-00000000c001';
export const LAB_PUBLIC_CLIENT_NAME = 'Patchbay (lab, public PKCE client)';
/** A confidential client the same org also has (a server integration): its secret must never show up
 *  in Patchbay's bundle or packaged files, which is what the GC-01 scan looks for. */
export const LAB_CONFIDENTIAL_CLIENT_ID = 'c0ffee00-9c1d-4b7e-a5f2-00000000c002';
export const LAB_CONFIDENTIAL_CLIENT_SECRET = 'lab-gc-confidential-secret-Zq8vN3kLp0Xw7RtY2mHs5Jd9';

/** Every scope name the lab knows (Genesys resource words with an optional `:readonly`, §6). */
export const KNOWN_SCOPES = [
  'users', 'users:readonly', 'user-basic-info',
  'presence', 'presence:readonly',
  'routing', 'routing:readonly',
  'conversations', 'conversations:readonly',
  'notifications',
  'organization:readonly',
] as const;

/** What the admin assigned to the lab's OAuth client: the default grant of every user. */
export const DEFAULT_GRANTED_SCOPES = ['users:readonly', 'presence', 'routing', 'conversations', 'notifications'];

/** True when `granted` satisfies one of `anyOf`; `x` also satisfies `x:readonly`. */
export function hasAnyScope(granted: readonly string[], anyOf: readonly string[]): boolean {
  return anyOf.some((need) => granted.includes(need) || (need.endsWith(':readonly') && granted.includes(need.slice(0, -':readonly'.length))));
}

export const SYSTEM_PRESENCES = ['Available', 'Away', 'Busy', 'Offline', 'Idle', 'OnQueue', 'Meal', 'Training', 'Meeting', 'Break'] as const;

export interface PresenceDefinition {
  id: string;
  systemPresence: string;
  primary: boolean;
  languageLabels: Record<string, string>;
}

const LABELS: Record<string, [string, string, string]> = {
  // en_US, de, fr
  Available: ['Available', 'Verfügbar', 'Disponible'],
  Away: ['Away', 'Abwesend', 'Absent'],
  Busy: ['Busy', 'Beschäftigt', 'Occupé'],
  Offline: ['Offline', 'Offline', 'Hors ligne'],
  Idle: ['Idle', 'Inaktiv', 'Inactif'],
  OnQueue: ['On Queue', 'In Warteschlange', 'En file'],
  Meal: ['Meal', 'Mahlzeit', 'Repas'],
  Training: ['Training', 'Schulung', 'Formation'],
  Meeting: ['Meeting', 'Besprechung', 'Réunion'],
  Break: ['Break', 'Pause', 'Pause'],
};

export function defaultPresenceDefinitions(): PresenceDefinition[] {
  const primary = SYSTEM_PRESENCES.map((systemPresence, index) => {
    const [en, de, fr] = LABELS[systemPresence] ?? [systemPresence, systemPresence, systemPresence];
    return {
      id: `e08eaf1b-ee47-4fa9-a231-1200000000${String(index).padStart(2, '0')}`,
      systemPresence,
      primary: true,
      languageLabels: { en_US: en, de, fr },
    };
  });
  // A secondary presence an admin added under Busy (shown with its own label).
  return [...primary, { id: 'e08eaf1b-ee47-4fa9-a231-120000000100', systemPresence: 'Busy', primary: false, languageLabels: { en_US: 'Coaching', de: 'Coaching', fr: 'Coaching' } }];
}

export const ROUTING_STATUSES = ['OFF_QUEUE', 'IDLE', 'INTERACTING', 'NOT_RESPONDING', 'COMMUNICATING'] as const;
export type RoutingStatus = (typeof ROUTING_STATUSES)[number];
