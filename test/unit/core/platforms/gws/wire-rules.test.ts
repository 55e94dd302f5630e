// GWS wire helpers (protocols/gws.md §2–3): which userState is the agent's voice state, the
// agent-states settings in both shapes, envelopes and calls — each branch pinned so a changed rule
// fails here (issue 9 mutation testing, helper MUT-GWS2).
import { describe, expect, it } from 'vitest';
import { agentStateSettings, envelopeOf, parseCalls, STATUS, voiceUserState } from '../../../../../main/core/platforms/gws/wire.ts';

const ready = { state: 'Ready' };
const lunch = { state: 'NotReady', reason: 'Lunch' };

describe('voiceUserState (protocols/gws.md §2: the voice channel carries the agent state)', () => {
  it('takes the voice channel whatever its case, not the first channel', () => {
    expect(voiceUserState({ channels: [{ channel: 'chat', userState: ready }, { channel: 'Voice', userState: lunch }] })).toEqual(lunch);
    expect(voiceUserState({ channels: [{ channel: 'chat', userState: ready }, { channel: 'VOICE', userState: lunch }] })).toEqual(lunch);
  });

  it('a single channel of another name counts as the voice channel; of two, neither does', () => {
    expect(voiceUserState({ channels: [{ channel: 'media', userState: lunch }] })).toEqual(lunch);
    expect(voiceUserState({ channels: [{ channel: 'chat', userState: ready }, { channel: 'email', userState: lunch }] })).toBeUndefined();
    expect(voiceUserState({ channels: [] })).toBeUndefined();
  });

  it('falls back to the first device that carries a userState (a voice channel without one too)', () => {
    const devices = [{ id: 'd0' }, { id: 'd1', userState: lunch }, { id: 'd2', userState: ready }];
    expect(voiceUserState({ devices })).toEqual(lunch);
    expect(voiceUserState({ channels: [{ channel: 'voice' }], devices })).toEqual(lunch);
    expect(voiceUserState({ channels: [{ channel: 'voice', userState: ready }], devices })).toEqual(ready);
    expect(voiceUserState({ devices: [devices[0]!] })).toBeUndefined();
    expect(voiceUserState({})).toBeUndefined();
  });
});

describe('agentStateSettings (protocols/gws.md §2: custom operation names from the agent-states settings)', () => {
  it('reads settings["agent-states"], else settings.agentStates', () => {
    const entry = { state: 'NotReady', reason: 'Lunch', operationName: 'NotReadyLunch' };
    expect(agentStateSettings({ agentStates: [entry] })).toEqual([entry]);
    expect(agentStateSettings({ 'agent-states': [entry], agentStates: [{ state: 'Ready' }] })).toEqual([entry]);
  });

  it('a keyed object names each entry by its key unless it has a name; a list adds no name', () => {
    expect(agentStateSettings({ 'agent-states': { Lunch: { state: 'NotReady', reason: 'Lunch' }, B: { state: 'NotReady', name: 'Break' } } })).toEqual([
      { state: 'NotReady', reason: 'Lunch', name: 'Lunch' },
      { state: 'NotReady', name: 'Break' },
    ]);
    const listed = agentStateSettings({ 'agent-states': [{ state: 'Ready' }] });
    expect(listed).toEqual([{ state: 'Ready' }]);
    expect(listed[0]).not.toHaveProperty('name');
  });

  it('drops invalid entries and keeps the ones after them; a value of the wrong shape gives none', () => {
    expect(agentStateSettings({ 'agent-states': [{ displayName: 'no state' }, 'x', { state: 'Ready' }] })).toEqual([{ state: 'Ready' }]);
    expect(agentStateSettings({ 'agent-states': 'Ready' })).toEqual([]);
    expect(agentStateSettings({})).toEqual([]);
  });
});

describe('envelopes and calls (protocols/gws.md §2: every answer carries statusCode)', () => {
  it('an envelope needs an integer statusCode; extra fields are kept', () => {
    expect(envelopeOf({ statusCode: 0, user: { userName: 'a' } })).toEqual({ statusCode: 0, user: { userName: 'a' } });
    expect(envelopeOf({ statusCode: 20, statusMessage: 'Not authenticated' })).toEqual({ statusCode: STATUS.notAuthenticated, statusMessage: 'Not authenticated' });
    expect(envelopeOf({ statusCode: '0' })).toBeUndefined();
    expect(envelopeOf({ statusCode: 0.5 })).toBeUndefined();
    expect(envelopeOf(undefined)).toBeUndefined();
  });

  it('parseCalls drops a malformed call and keeps the rest (state Unknown when absent)', () => {
    expect(parseCalls([{ state: 'Ringing' }, { id: 'a', state: 'Ringing' }, 'x', { id: 'b' }])).toEqual([
      { id: 'a', state: 'Ringing' },
      { id: 'b', state: 'Unknown' },
    ]);
    expect(parseCalls(undefined)).toEqual([]);
  });
});
