// Finesse node health while connected (issue 9 item 9; protocols/finesse.md §5 failover): the node in
// use announces OUT_OF_SERVICE in a SystemInfo notification while XMPP stays up. As the Finesse
// desktop does, check the other node's SystemInfo and move there (REST and XMPP together) when it is
// IN_SERVICE; while no node is, the session is degraded with the reason (never a live green Ready)
// and the other nodes are polled until one is back, or this one says IN_SERVICE again.
import type { ContractError } from '../../../../preload/contract.ts';
import type { Clock } from '../../clock.ts';
import { PatchbayError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { AgentRecord } from './agent-record.ts';
import { hostOf } from './discovery.ts';
import { OUT_OF_SERVICE_POLL_MS } from './failover.ts';
import type { FinesseNodes } from './nodes.ts';
import type { FinesseAction } from './reducer.ts';
import { IN_SERVICE } from './wire.ts';

/** Told to the agent once Patchbay moves them off a node leaving service (state kept). */
export function nodeMovedNotice(from: string, to: string): ContractError {
  return {
    code: 'finesse.node.moved',
    message: `The Finesse server ${hostOf(from)} went out of service. Patchbay moved you to ${hostOf(to)}; your state is kept.`,
    action: 'none',
  };
}

/** Why the session is degraded: the node in use is leaving service and no other node is in service. */
export function nodeDegradedNotice(node: string, status: string, statusReason: string | undefined): ContractError {
  const why = statusReason ? ` (${statusReason.slice(0, 120)})` : '';
  return {
    code: 'finesse.node.no-node-in-service',
    message: `The Finesse server ${hostOf(node)} is ${status}${why} and no other Finesse server is in service. Calls may not reach you; Patchbay moves you as soon as a server is back in service.`,
    action: 'none',
  };
}

export interface NodeHealthOps {
  clock: Clock;
  log: Logger;
  nodes: FinesseNodes;
  /** Degraded: the agent's state is shown as not current. */
  record: Pick<AgentRecord, 'setStale'>;
  dispatch(action: FinesseAction): void;
  /** The node in use changed (`nodes.origin` is the new one): re-open XMPP there (§5: REST and XMPP move together). */
  reconnect(reason: PatchbayError): void;
}

export class NodeHealth {
  private readonly ops: NodeHealthOps;
  /** Set while a node that left service is being handled (one check at a time). */
  private watch: { control: AbortController; node: string; degraded: boolean } | undefined;

  constructor(ops: NodeHealthOps) {
    this.ops = ops;
  }

  /** A SystemInfo notification from the node in use (its `status`). */
  onNotice(status: string | undefined): void {
    if (!status) return;
    if (status === IN_SERVICE) {
      // Back in service: nothing to move away from any more.
      if (this.watch?.node === this.ops.nodes.origin) this.stop(true);
      return;
    }
    if (this.watch) return;
    const watch = { control: new AbortController(), node: this.ops.nodes.origin, degraded: false };
    this.watch = watch;
    this.ops.log.warn('finesse.out-of-service', { status, node: hostOf(watch.node) });
    void this.leave(watch).catch((error: unknown) => {
      if (!watch.control.signal.aborted) this.ops.log.warn('finesse.node-health.failed', { message: String(error).slice(0, 120) });
    });
  }

  /** Checks the other nodes until one is IN_SERVICE (then moves there), this node says IN_SERVICE
   *  again, or the watch stops; degraded meanwhile. */
  private async leave(watch: NonNullable<NodeHealth['watch']>): Promise<void> {
    const { nodes, clock } = this.ops;
    const signal = watch.control.signal;
    while (!signal.aborted) {
      const here = await nodes.currentInfo(signal);
      if (signal.aborted) return;
      if (here?.status === IN_SERVICE) {
        this.stop(true);
        return;
      }
      const to = await nodes.moveToPeerInService(signal);
      if (signal.aborted) return;
      if (to) {
        this.stop(false);
        this.degraded(undefined);
        this.ops.dispatch({ type: 'error', error: nodeMovedNotice(watch.node, to) });
        this.ops.reconnect(new PatchbayError('finesse.node.moving', 'Moving to another Finesse server.', { action: 'retry' }));
        return;
      }
      if (!watch.degraded) {
        watch.degraded = true;
        this.degraded(nodeDegradedNotice(watch.node, here?.status ?? 'not answering', here?.statusReason));
      }
      await clock.sleep(OUT_OF_SERVICE_POLL_MS, signal).catch(() => undefined);
    }
  }

  /** The channel is back on another node, or the session ends: the watch is over. */
  stop(recovered: boolean): void {
    const watch = this.watch;
    this.watch = undefined;
    watch?.control.abort();
    if (recovered && watch?.degraded) this.degraded(undefined);
  }

  /** Degraded with this reason, or (undefined) healthy again. */
  private degraded(reason: ContractError | undefined): void {
    this.ops.record.setStale(reason !== undefined);
    this.ops.dispatch(reason ? { type: 'error', error: reason } : { type: 'clear-error', codePrefix: 'finesse.node.no-node-in-service' });
  }

  /** Back online after a drop: a node other than the watched one ends the watch (recovered). */
  reconnected(origin: string): void {
    if (this.watch && this.watch.node !== origin) this.stop(true);
  }
}
