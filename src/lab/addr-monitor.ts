/**
 * `ip -ts monitor address` in lab namespaces: every change of a watched
 * address (by default each master's VIP), with the time `ip` stamped it as the
 * kernel told it. Tells who held an address when (holders.ts), independently
 * of what vipctl logs: the kernel's word, not the tool's. One monitor for the
 * demo, the benchmarks and the integration tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { run } from '../adapters/run';
import { holderStats, parseAddrChange, parseStampedLine, type AddrEvent } from './holders';
import { waitFor, type Lab } from './lab';
import type { LabHost } from './topology';

/** An address from the lab's range put on each host's lo for a moment, to know its monitor listens. */
const MARKER = '198.19.255.254';

export interface AddrChange extends AddrEvent {
  address: string;
}

export interface AddrMonitorOptions {
  /** Hosts to watch; default every node. */
  hosts?: readonly LabHost[];
  /** Addresses to keep; default every master's VIP. */
  addresses?: readonly string[];
}

export class AddrMonitor {
  /** Changes of the watched addresses, in arrival order. */
  readonly changes: AddrChange[] = [];
  private readonly markers = new Set<string>();
  private waiters: Array<() => boolean> = [];
  private constructor(private readonly children: ChildProcess[]) {}

  static async start(lab: Lab, o: AddrMonitorOptions = {}): Promise<AddrMonitor> {
    const hosts = o.hosts ?? lab.topo.nodes;
    const watched = new Set(o.addresses ?? lab.masters.map((m) => m.vip));
    const children: ChildProcess[] = [];
    const m = new AddrMonitor(children);
    for (const n of hosts) {
      const child = spawn('ip', ['-ts', '-n', n.ns, 'monitor', 'address'], { stdio: ['ignore', 'pipe', 'ignore'] });
      children.push(child);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const stamped = parseStampedLine(line);
        const c = stamped && parseAddrChange(stamped.rest);
        if (!c) return;
        if (watched.has(c.address)) {
          m.changes.push({ host: n.name, t: stamped.t, op: c.op, address: c.address });
          m.waiters = m.waiters.filter((w) => !w());
        } else if (c.address === MARKER && c.op === 'add') m.markers.add(n.name);
      });
    }
    // Listening once each monitor has reported a marker address we add and remove.
    try {
      await waitFor('ip monitor address to listen on every host', async () => {
        for (const n of hosts.filter((x) => !m.markers.has(x.name))) {
          await run(['ip', '-n', n.ns, 'addr', 'add', `${MARKER}/32`, 'dev', 'lo']);
          await run(['ip', '-n', n.ns, 'addr', 'del', `${MARKER}/32`, 'dev', 'lo']);
        }
        return m.markers.size === hosts.length;
      }, 5000, 50);
    } catch (e) {
      m.stop();
      throw e;
    }
    return m;
  }

  /** Changes of one address, in time order. */
  of(address: string): AddrChange[] {
    return this.changes.filter((c) => c.address === address).sort((a, b) => a.t - b.t);
  }

  /** The most holders of `address` at any one moment from `since`, replaying its changes over the `initial` holders. */
  maxHolders(address: string, initial: readonly string[], since = 0): number {
    return holderStats(initial, this.of(address), since, Number.MAX_SAFE_INTEGER).maxHolders;
  }

  /** When `address` was first added on `host` at or after `since` (epoch ms); waits for it up to `timeoutMs`. */
  added(host: string, address: string, since: number, timeoutMs = 5000): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const c = this.of(address).find((x) => x.host === host && x.op === 'add' && x.t >= since);
        if (!c) return false;
        clearTimeout(timer);
        resolve(c.t);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`ip monitor saw no add of ${address} on ${host} within ${timeoutMs} ms`));
      }, timeoutMs);
      if (!check()) this.waiters.push(check);
    });
  }

  stop(): void {
    for (const c of this.children) c.kill('SIGTERM');
  }
}
