/**
 * `ip -n <ns> monitor address` on every node of a lab, each line about the
 * VIP timestamped as it arrives. Tells who held the VIP when (holders.ts),
 * independently of what vipctl logs: the kernel's word, not the tool's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { run } from '../adapters/run';
import { parseAddrLine, type AddrEvent } from './holders';
import { waitFor, type Lab } from './lab';

/** An address from the lab's range put on each node's lo for a moment, to know its monitor listens. */
const MARKER = '198.19.255.254';

export class AddrMonitor {
  readonly events: AddrEvent[] = [];
  private readonly markers = new Set<string>();
  private constructor(private readonly children: ChildProcess[]) {}

  static async start(lab: Lab): Promise<AddrMonitor> {
    const children: ChildProcess[] = [];
    const m = new AddrMonitor(children);
    for (const n of lab.topo.nodes) {
      const child = spawn('ip', ['-n', n.ns, 'monitor', 'address'], { stdio: ['ignore', 'pipe', 'ignore'] });
      children.push(child);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const t = performance.timeOrigin + performance.now();
        const op = parseAddrLine(line, lab.topo.vip);
        if (op) m.events.push({ host: n.name, t, op });
        else if (parseAddrLine(line, MARKER) === 'add') m.markers.add(n.name);
      });
    }
    // Listening once each monitor has reported a marker address we add and remove.
    try {
      await waitFor('ip monitor address to listen on every node', async () => {
        for (const n of lab.topo.nodes.filter((x) => !m.markers.has(x.name))) {
          await run(['ip', '-n', n.ns, 'addr', 'add', `${MARKER}/32`, 'dev', 'lo']);
          await run(['ip', '-n', n.ns, 'addr', 'del', `${MARKER}/32`, 'dev', 'lo']);
        }
        return m.markers.size === lab.topo.nodes.length;
      }, 5000, 50);
    } catch (e) {
      m.stop();
      throw e;
    }
    return m;
  }

  /** The first event of `op` on `host` at or after `since`. */
  first(host: string, op: AddrEvent['op'], since: number): AddrEvent | undefined {
    return this.events.find((e) => e.host === host && e.op === op && e.t >= since);
  }

  stop(): void {
    for (const c of this.children) c.kill('SIGTERM');
  }
}
