// The Finesse node REST and XMPP use now (protocols/finesse.md §5: they always move together):
// discovery on the first node IN_SERVICE, the nodes a one-server profile learns from SystemInfo,
// and the failover check before each notification-channel reconnect.
import type { Clock } from '../../clock.ts';
import type { Logger } from '../../log.ts';
import type { HttpSession } from '../../net/http-session.ts';
import { discoverNode, fetchSystemInfo, hostOf, learnedNodes, PROBE_TIMEOUT_MS } from './discovery.ts';
import { checkNodesBeforeReconnect } from './failover.ts';
import { IN_SERVICE, type SystemInfo } from './wire.ts';

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface FinesseNodesOptions {
  http: HttpSession;
  clock: Clock;
  log: Logger;
  /** The profile's servers (IT's or the agent's choice). */
  servers: readonly string[];
  outOfServiceFailoverMs: number;
  /** IT policy `allowedServerHosts` (besides the server's parent domain). */
  allowedServerHosts?: readonly string[] | undefined;
}

export class FinesseNodes {
  private readonly opts: FinesseNodesOptions;
  /** The profile's servers, plus (when it names one only) the SystemInfo nodes (§5 failover). */
  private list: string[];
  private index = 0;
  private readonly outOfService: { since?: number | undefined } = {};
  /** The last SystemInfo read (deployment type, XMPP domain). */
  system: SystemInfo | undefined;

  constructor(opts: FinesseNodesOptions) {
    this.opts = opts;
    this.list = opts.servers.map((s) => new URL(s).origin);
  }

  get origin(): string {
    return this.list[this.index] ?? this.list[0]!;
  }

  get hosts(): string[] {
    return this.list.map(hostOf);
  }

  /** [FIN-05] SystemInfo first, on the first node IN_SERVICE (primary first). */
  async discover(signal?: AbortSignal): Promise<SystemInfo> {
    const { index, info } = await discoverNode(this.opts.http, this.opts.log, this.list, this.index, signal);
    this.index = index;
    this.system = info;
    this.learn(info);
    return info;
  }

  /** §5 failover with a one-server profile: SystemInfo's nodes become the other targets. */
  private learn(info: SystemInfo): void {
    const result = learnedNodes(this.opts.servers, info, this.opts.allowedServerHosts);
    if (!result) return;
    const learned = result.nodes;
    if (result.refused.length > 0 && !sameList(result.refused, this.refused)) {
      this.refused = result.refused;
      this.opts.log.warn('finesse.nodes.not-followed', { hosts: result.refused, reason: 'not https, or outside the server parent domain and the policy allowedServerHosts' });
    }
    if (sameList(learned, this.list)) return;
    const current = this.origin;
    this.list = learned;
    this.index = Math.max(0, learned.indexOf(current));
    this.opts.log.info('finesse.nodes.from-system-info', { nodes: learned.map(hostOf) });
  }

  /** Hosts SystemInfo named that were not followed (for the log, once per change). */
  private refused: string[] = [];

  /** Said on the session card when the node in use is not one of the profile's servers (issue 8 item 2). */
  get note(): string | undefined {
    const configured = this.opts.servers.map((s) => new URL(s).origin);
    return configured.includes(this.origin) ? undefined : `A Finesse node named by the server, not by your profile (${hostOf(this.origin)})`;
  }

  /** Before a reconnect attempt: stay, wait for IN_SERVICE, or move to the other node (failover.ts).
   *  The first attempt (a blip) retries at once unless the node's SystemInfo says it is not IN_SERVICE:
   *  XMPP never re-opens to a node leaving service (issue 9 item 9). */
  async beforeReconnect(attempt: number, signal: AbortSignal, onWaiting: (nextAttemptAt: number, host: string) => void): Promise<void> {
    if (attempt === 1) {
      const info = await this.currentInfo(signal);
      if (!info || info.status === IN_SERVICE) return;
    }
    return checkNodesBeforeReconnect(
      {
        http: this.opts.http,
        clock: this.opts.clock,
        log: this.opts.log,
        nodes: this.list,
        nodeIndex: this.index,
        outOfServiceFailoverMs: this.opts.outOfServiceFailoverMs,
        outOfService: this.outOfService,
        onInService: (index, info) => {
          this.index = index;
          this.system = { ...this.system, ...info };
        },
        onWaiting: (nextAttemptAt, index) => onWaiting(nextAttemptAt, hostOf(this.list[index]!)),
      },
      signal,
    );
  }

  /** The SystemInfo of the node in use now; undefined when it does not answer. */
  async currentInfo(signal: AbortSignal): Promise<SystemInfo | undefined> {
    try {
      return await fetchSystemInfo(this.opts.http, this.origin, PROBE_TIMEOUT_MS, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      return undefined;
    }
  }

  /** Issue 9 item 9: the first other node (the profile's, or the ones SystemInfo named under the
   *  host rules above) whose SystemInfo says IN_SERVICE becomes the node in use; its origin. */
  async moveToPeerInService(signal: AbortSignal): Promise<string | undefined> {
    const from = this.origin;
    for (let step = 1; step < this.list.length; step++) {
      const index = (this.index + step) % this.list.length;
      try {
        const info = await fetchSystemInfo(this.opts.http, this.list[index]!, PROBE_TIMEOUT_MS, signal);
        if (info.status !== IN_SERVICE) continue;
        this.opts.log.warn('finesse.failover', { from: hostOf(from), to: hostOf(this.list[index]!), why: 'out-of-service' });
        this.index = index;
        this.system = { ...this.system, ...info };
        this.outOfService.since = undefined;
        return this.origin;
      } catch (error) {
        if (signal.aborted) throw error;
      }
    }
    return undefined;
  }
}
