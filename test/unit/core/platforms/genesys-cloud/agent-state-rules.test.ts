// Genesys Cloud presence / routing status / conversations → the card (protocols/genesys-cloud.md §3),
// each branch of agent-state.ts pinned (issue 9 mutation testing).
import { describe, expect, it } from 'vitest';
import {
  agentStateOf,
  applyConversation,
  BACK_TO_IDLE_ID,
  callOf,
  callsOf,
  definitionLabel,
  normalisePresence,
  presenceKind,
  routingLabel,
  selectableStates,
} from '../../../../../main/core/platforms/genesys-cloud/agent-state.ts';
import type { Conversation, PresenceDefinition } from '../../../../../main/core/platforms/genesys-cloud/wire.ts';

describe('Genesys Cloud presence', () => {
  it('On Queue is spelled three ways; each system presence has its kind; others unknown', () => {
    expect(['On Queue', 'ON_QUEUE', 'OnQueue', 'onqueue'].map(normalisePresence)).toEqual(['ONQUEUE', 'ONQUEUE', 'ONQUEUE', 'ONQUEUE']);
    expect(normalisePresence(undefined)).toBe('');
    const kinds = ['On Queue', 'Available', 'Away', 'Break', 'Busy', 'Idle', 'Meal', 'Meeting', 'Training', 'Offline', 'Dancing', undefined].map(presenceKind);
    expect(kinds).toEqual(['ready', 'not-ready', 'not-ready', 'not-ready', 'not-ready', 'not-ready', 'not-ready', 'not-ready', 'not-ready', 'logged-out', 'unknown', 'unknown']);
  });

  it('routing status words for the card, the raw status when unknown', () => {
    expect(['OFF_QUEUE', 'idle', 'INTERACTING', 'COMMUNICATING', 'NOT_RESPONDING', 'WEIRD'].map(routingLabel)).toEqual(['Off Queue', 'Idle', 'Interacting', 'Communicating', 'Not Responding', 'WEIRD']);
  });

  it('label in the agent\'s language: exact tag, then the base language, then any regional form of it, then en_US, then words', () => {
    const labels = { en_US: 'Available', fr: 'Disponible', de_AT: 'Verfügbar (AT)', pt_BR: 'Disponível' };
    const def = { systemPresence: 'Available', languageLabels: labels };
    expect(definitionLabel({ ...def, languageLabels: { ...labels, fr_CA: 'Dispo CA' } }, 'fr-CA')).toBe('Dispo CA');
    expect(definitionLabel(def, 'fr-FR')).toBe('Disponible');
    // The base language before another region's form of it.
    expect(definitionLabel({ systemPresence: 'Available', languageLabels: { fr_CA: 'Dispo CA', fr: 'Disponible' } }, 'fr-FR')).toBe('Disponible');
    expect(definitionLabel(def, 'de-DE')).toBe('Verfügbar (AT)');
    expect(definitionLabel(def, 'PT')).toBe('Disponível');
    expect(definitionLabel(def, 'ja-JP')).toBe('Available');
    expect(definitionLabel(def)).toBe('Available');
    expect(definitionLabel({ systemPresence: 'Meal' }, 'en-US')).toBe('Meal');
    expect(definitionLabel({ systemPresence: 'Available', languageLabels: { en: 'Free', fr: 'Libre' } })).toBe('Free'); // default language en-US
    expect(definitionLabel({ systemPresence: 'ON_QUEUE' }, 'en-US')).toBe('On Queue');
    expect(definitionLabel({ systemPresence: 'Custom Thing', languageLabels: {} }, 'en-US')).toBe('Custom Thing');
  });

  it('selectable: active definitions only, On Queue first, primary before secondary, nothing needing a reason', () => {
    const defs: PresenceDefinition[] = [
      { id: 's', systemPresence: 'Away', primary: false },
      { id: 'x', systemPresence: 'Busy', deactivated: true },
      { id: 'a', systemPresence: 'Available' },
      { id: 'q', systemPresence: 'On Queue', primary: true },
      { id: 'p', systemPresence: 'Break', primary: true },
    ];
    const states = selectableStates(defs, 'en-US');
    expect(states.map((s) => s.id)).toEqual(['q', 'a', 'p', 's']);
    expect(states[0]).toEqual({ id: 'q', label: 'On Queue', kind: 'ready', reasons: [], reasonRequired: false });
    expect(defs.map((d) => d.id)).toEqual(['s', 'x', 'a', 'q', 'p']); // the caller's list is not reordered
  });
});

describe('Genesys Cloud agent state on the card', () => {
  const defs: PresenceDefinition[] = [
    { id: 'q', systemPresence: 'On Queue', languageLabels: { en_US: 'On Queue (org)' } },
    { id: 'a', systemPresence: 'Available' },
  ];
  const onQueue = { presenceDefinition: { id: 'q' }, modifiedDate: '2026-12-06T10:00:00Z' };

  it('on queue the routing status is the reason and its start the time; Interacting and Communicating are busy', () => {
    expect(agentStateOf(onQueue, { status: 'idle', startTime: '2026-12-06T10:05:00Z' }, defs)).toEqual({
      kind: 'ready',
      stateId: 'q',
      label: 'On Queue (org)',
      reason: 'Idle',
      since: '2026-12-06T10:05:00.000Z',
    });
    expect(agentStateOf(onQueue, { status: 'INTERACTING' }, defs)).toMatchObject({ kind: 'busy', reason: 'Interacting', since: '2026-12-06T10:00:00.000Z' });
    expect(agentStateOf(onQueue, { status: 'COMMUNICATING', startTime: 'garbage' }, defs)).toMatchObject({ kind: 'busy', since: '2026-12-06T10:00:00.000Z' });
  });

  it('Not Responding: not ready, with the one-click way back to Idle', () => {
    expect(agentStateOf(onQueue, { status: 'NOT_RESPONDING' }, defs)).toMatchObject({ kind: 'not-ready', reason: 'Not Responding', quickAction: { stateId: BACK_TO_IDLE_ID, label: 'Back to Idle' } });
    expect(BACK_TO_IDLE_ID).toBe('routing:IDLE');
  });

  it('off queue the routing status is not shown; the event\'s system presence wins over the definition list; unknown ids still get words', () => {
    expect(agentStateOf({ presenceDefinition: { id: 'a' } }, { status: 'NOT_RESPONDING' }, defs)).toEqual({ kind: 'not-ready', stateId: 'a', label: 'Available' });
    expect(agentStateOf({ presenceDefinition: { id: 'zz', systemPresence: 'Meal' } }, undefined, defs)).toEqual({ kind: 'not-ready', stateId: 'zz', label: 'Meal' });
    expect(agentStateOf({ presenceDefinition: { id: 'zz', systemPresence: 'Odd' } }, undefined, defs).label).toBe('Odd');
    expect(agentStateOf({ presenceDefinition: { id: 'zz' } }, undefined, defs)).toEqual({ kind: 'unknown', stateId: 'zz', label: 'Unknown' });
    expect(agentStateOf({ presenceDefinition: { id: 'q', systemPresence: 'Offline' } }, { status: 'IDLE' }, defs)).toMatchObject({ kind: 'logged-out' });
    expect(agentStateOf(onQueue, undefined, defs)).toEqual({ kind: 'ready', stateId: 'q', label: 'On Queue (org)', since: '2026-12-06T10:00:00.000Z' });
  });
});

describe('Genesys Cloud conversations on the card', () => {
  const conv = (participants: Conversation['participants'], id = 'c1'): Conversation => ({ id, participants });

  it('the agent\'s last participant decides; direction by prefix; the customer\'s or external party\'s addresses, tel: stripped and bounded', () => {
    const c = conv([
      { purpose: 'customer', ani: 'tel:+111', dnis: 'TEL:+222' },
      { purpose: 'agent', userId: 'u', state: 'disconnected', direction: 'inbound' },
      { purpose: 'agent', userId: 'u', state: 'connected', direction: 'Inbound', connectedTime: '2026-12-06T10:00:00Z' },
    ]);
    expect(callOf(c, 'u')).toEqual({ id: 'c1', direction: 'inbound', from: '+111', to: '+222', state: 'CONNECTED', since: '2026-12-06T10:00:00.000Z' });
    const ext = conv([{ purpose: 'external', ani: `tel:${'9'.repeat(80)}` }, { userId: 'u', state: 'alerting', direction: 'outbound', dnis: 'tel:+333' }]);
    expect(callOf(ext, 'u')).toEqual({ id: 'c1', direction: 'outbound', from: '9'.repeat(64), to: '+333', state: 'ALERTING' });
    // The customer is found wherever it is listed; only a leading tel: is a scheme.
    expect(callOf(conv([{ userId: 'u', state: 'connected', direction: 'inbound' }, { purpose: 'customer', ani: 'sip:hotel:5' }]), 'u')).toMatchObject({ from: 'sip:hotel:5' });
    expect(callOf(conv([{ userId: 'u', direction: 'INBOUND' }]), 'u')).toMatchObject({ direction: 'inbound', state: 'UNKNOWN' });
    expect(callOf(conv([{ userId: 'u', direction: 'sideways', state: 'connected' }]), 'u')).toEqual({ id: 'c1', direction: 'unknown', state: 'CONNECTED' });
    expect(callOf(conv([{ userId: 'u', state: 'connected', connectedTime: 'nope' }]), 'u')).not.toHaveProperty('since');
  });

  it('not on the call: not the agent, disconnected, terminated, or with an end time', () => {
    expect(callOf(conv([{ purpose: 'customer' }]), 'u')).toBeUndefined();
    expect(callOf(conv([{ userId: 'u', state: 'TERMINATED' }]), 'u')).toBeUndefined();
    expect(callOf(conv([{ userId: 'u', state: 'disconnected' }]), 'u')).toBeUndefined();
    expect(callOf(conv([{ userId: 'u', state: 'connected', endTime: '2026-12-06T10:00:00Z' }]), 'u')).toBeUndefined();
    expect(callsOf([conv([{ userId: 'u', state: 'connected' }], 'a'), conv([{ userId: 'v', state: 'connected' }], 'b')], 'u').map((c) => c.id)).toEqual(['a']);
  });

  it('an event replaces the call in place, appends a new one, removes an ended one', () => {
    const calls = [
      { id: 'a', direction: 'inbound' as const, state: 'ALERTING' },
      { id: 'b', direction: 'inbound' as const, state: 'CONNECTED' },
    ];
    expect(applyConversation(calls, conv([{ userId: 'u', state: 'connected' }], 'a'), 'u').map((c) => `${c.id}:${c.state}`)).toEqual(['a:CONNECTED', 'b:CONNECTED']);
    expect(applyConversation(calls, conv([{ userId: 'u', state: 'alerting' }], 'c'), 'u').map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(applyConversation(calls, conv([{ userId: 'u', state: 'disconnected' }], 'a'), 'u').map((c) => c.id)).toEqual(['b']);
    expect(calls.map((c) => c.state)).toEqual(['ALERTING', 'CONNECTED']);
  });
});
