// Finesse XMPP notifications → the session (updates.ts; protocols/finesse.md §5): the agent's own User and
// Dialogs nodes only, the async CTI error to its waiter or else to the agent, SystemInfo notices. Mutation
// work of docs/mutation.md "Session 5, helper MUT-FIN3A"; recorded ops, no I/O.
import { describe, expect, it } from 'vitest';
import type { ContractError } from '../../../../../preload/contract.ts';
import type { PatchbayError } from '../../../../../main/core/errors.ts';
import { routeUpdate, type UpdateOps } from '../../../../../main/core/platforms/finesse/updates.ts';
import type { FinesseUpdate } from '../../../../../main/core/platforms/finesse/wire.ts';

function ops(userId: string | undefined, waiting = 0) {
  const seen: unknown[][] = [];
  const o: UpdateOps = {
    userId,
    applyUser: (u) => void seen.push(['user', u.state]),
    applyDialogs: (d, event) => void seen.push(['dialogs', d.map((x) => x.id), event]),
    rejectWaiters: (e: PatchbayError, requestId) => (seen.push(['reject', e.code, e.message, requestId]), waiting),
    showError: (e: ContractError) => void seen.push(['show', e]),
    onSystem: (u) => void seen.push(['system', u.status]),
  };
  return { o, seen };
}
const user = (source: string): FinesseUpdate => ({ kind: 'user', source, event: 'PUT', user: { state: 'READY', roles: [] } });
const dialogs = (source: string): FinesseUpdate => ({ kind: 'dialogs', source, event: 'POST', dialogs: [{ id: '7', participants: [] }] });

describe('routeUpdate (§5)', () => {
  it('the agent\'s own User node (any case, or no source) is applied; another user\'s is not [FIN-10]', () => {
    const { o, seen } = ops('98411');
    routeUpdate(user('/finesse/api/User/98411'), o);
    routeUpdate(user('/FINESSE/API/USER/98411'), o);
    routeUpdate(user(''), o);
    routeUpdate(user('/finesse/api/User/98412'), o);
    routeUpdate(user('/finesse/api/User/98411/Dialogs'), o);
    expect(seen).toEqual([['user', 'READY'], ['user', 'READY'], ['user', 'READY']]);
  });

  it('the agent\'s own Dialogs node only, with the event; a team\'s dialogs and the User node are not the agent\'s calls', () => {
    const { o, seen } = ops('98411');
    routeUpdate(dialogs('/finesse/api/User/98411/Dialogs'), o);
    routeUpdate(dialogs('/finesse/api/Team/5/Dialogs'), o);
    routeUpdate(dialogs('/finesse/api/User/98411'), o);
    expect(seen).toEqual([['dialogs', ['7'], 'POST']]);
  });

  it('before the loginId is known every User and Dialogs update is taken', () => {
    const { o, seen } = ops(undefined);
    routeUpdate(user('/finesse/api/User/x'), o);
    routeUpdate(dialogs('/finesse/api/Team/5/Dialogs'), o);
    expect(seen.map((s) => s[0])).toEqual(['user', 'dialogs']);
  });

  it('an async CTI error fails the waiters of its request; with none waiting it is shown to the agent', () => {
    const errors: FinesseUpdate = { kind: 'errors', source: '', requestId: 'r-1', errors: [{ errorType: 'T', errorMessage: 'Invalid state' }] };
    const waited = ops('1', 1);
    routeUpdate(errors, waited.o);
    expect(waited.seen).toEqual([['reject', 'finesse.state.rejected', 'Finesse refused the change: Invalid state', 'r-1']]);
    const nobody = ops('1', 0);
    routeUpdate(errors, nobody.o);
    expect(nobody.seen).toEqual([
      ['reject', 'finesse.state.rejected', 'Finesse refused the change: Invalid state', 'r-1'],
      ['show', { code: 'finesse.state.rejected', message: 'Finesse refused the change: Invalid state', action: 'none' }],
    ]);
  });

  it('a SystemInfo notice goes to the node checks; anything else is ignored', () => {
    const { o, seen } = ops('1');
    routeUpdate({ kind: 'system', source: '/finesse/api/SystemInfo', status: 'OUT_OF_SERVICE' }, o);
    routeUpdate({ kind: 'other', source: '/finesse/api/Team/5' }, o);
    expect(seen).toEqual([['system', 'OUT_OF_SERVICE']]);
  });
});
