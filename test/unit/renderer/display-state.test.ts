import { describe, expect, it } from 'vitest';
import type { SessionState } from '../../../preload/contract.ts';
import { displayState } from '../../../preload/display-state.ts';

type Input = Parameters<typeof displayState>[0];
const NOW = Date.parse('2026-12-06T12:00:00Z');
const ready: SessionState['agent'] = { kind: 'ready', stateId: 'READY', label: 'Ready' };
const unauthorized = { code: 'finesse.unauthorized', message: 'Your sign-in has ended.', action: 'sign-in-again' as const };

function ds(input: Input) {
  return displayState(input, NOW);
}

describe('displayState (issue 13 item 2: one display state, exactly one story)', () => {
  it('maps every phase to exactly one display kind', () => {
    expect(ds({ phase: 'signed-out' }).kind).toBe('signed-out');
    expect(ds({ phase: 'signing-in' }).kind).toBe('signing-in');
    expect(ds({ phase: 'awaiting-user' }).kind).toBe('signing-in');
    expect(ds({ phase: 'active', agent: ready }).kind).toBe('active');
    expect(ds({ phase: 'reconnecting', agent: ready }).kind).toBe('reconnecting');
    expect(ds({ phase: 'failed', lastError: { code: 'net.unreachable', message: 'x', action: 'retry' } }).kind).toBe('failed');
  });

  it('never offers Sign in and Sign out together, in any display state', () => {
    const inputs: Input[] = [
      { phase: 'signed-out' },
      { phase: 'signing-in' },
      { phase: 'active', agent: ready },
      { phase: 'active', agent: ready, lastError: unauthorized },
      { phase: 'reconnecting', agent: ready },
      { phase: 'failed', lastError: unauthorized },
      { phase: 'failed', lastError: { code: 'net.unreachable', message: 'x', action: 'retry' } },
    ];
    for (const input of inputs) {
      const d = ds(input);
      expect(d.showSignIn && d.showSignOut, `${input.phase} ${input.lastError?.code ?? ''}`).toBe(false);
    }
  });

  it('a 401 the renewal could not cure moves an active session to "needs sign-in" at once: not green, no identity', () => {
    const d = ds({ phase: 'active', agent: ready, lastError: unauthorized });
    expect(d.kind).toBe('needs-sign-in');
    expect(d.agentStale).toBe(true);
    expect(d.showIdentity).toBe(false);
    expect(d.showSignIn).toBe(true);
    // FIN-14's "expires soon" is still a live sign-in: it stays active.
    expect(ds({ phase: 'active', agent: ready, lastError: { code: 'finesse.refresh-expired', message: 'x', action: 'sign-in-again' } }).kind).toBe('active');
  });

  it('a failed session whose error is an auth code needs sign-in; identity and token are not shown', () => {
    const d = ds({ phase: 'failed', lastError: { code: 'UNAUTHORIZED', message: 'x', action: 'retry' } });
    expect(d.kind).toBe('needs-sign-in');
    expect(d.showIdentity).toBe(false);
    expect(ds({ phase: 'failed', lastError: { code: 'xmpp.dropped', message: 'x', action: 'retry' } }).showIdentity).toBe(false);
  });

  it('while reconnecting the last-known state is stale, with a countdown, attempts counted from 1 and a retry-now offer', () => {
    const d = ds({
      phase: 'reconnecting',
      agent: ready,
      connection: { transport: 'none', reconnectAttempt: 0, nextAttemptAt: new Date(NOW + 4_200).toISOString(), retryNow: true },
    });
    expect(d.agentStale).toBe(true);
    expect(d.countdownS).toBe(5);
    expect(d.attempt).toBe(1);
    expect(d.canRetryNow).toBe(true);
    expect(d.showSignIn).toBe(false);
    const due = ds({ phase: 'reconnecting', connection: { transport: 'none', reconnectAttempt: 3, nextAttemptAt: new Date(NOW - 1).toISOString() } });
    expect(due.countdownS).toBe(0);
    expect(due.attempt).toBe(3);
    expect(due.canRetryNow).toBe(false);
    // A platform whose reconnect schedule is the protocol's (ICWS) offers no retry-now.
    const icws = ds({ phase: 'reconnecting', connection: { transport: 'sse', reconnectAttempt: 1, nextAttemptAt: new Date(NOW + 20_000).toISOString() } });
    expect(icws.countdownS).toBe(20);
    expect(icws.canRetryNow).toBe(false);
  });

  it('an active, confirmed state is live; a state the platform marks stale is not', () => {
    expect(ds({ phase: 'active', agent: ready }).agentStale).toBe(false);
    expect(ds({ phase: 'active', agent: { ...ready, stale: true } }).agentStale).toBe(true);
  });
});
