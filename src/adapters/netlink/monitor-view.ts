/**
 * The host's links kept current without a spawn per read: one long-lived
 * `ip -o monitor address link` child (RTM_NEWADDR/DELADDR/NEWLINK/DELLINK as
 * text lines, monitor-parse.ts) over a dump (`ip -json addr show`) taken at
 * start and again after anything that could have lost a notification: the
 * child's exit (restarted), a line it does not know, anything on its stderr
 * (ENOBUFS: "netlink receive error"), a rise of its socket's Drops, an
 * address on a link it does not know. A fresh read waits until the child has
 * caught up with the kernel (caught-up.ts); if it cannot tell within
 * `freshWaitMs`, it dumps.
 */
import { createInterface } from 'node:readline';
import type { Link } from '../../core/local';
import type { LinksView } from '../../core/links-view';
import { VipctlError } from '../../core/errors';
import { describeFailure, ok, run, RUN_TIMEOUT_MS } from '../run';
import { ChildWatch } from './caught-up';
import { inNetns, killGroup, spawnIp, type IpChild } from './child';
import { LinkTable } from './link-table';
import { parseMonitorLine, type MonitorEvent } from './monitor-parse';

export const MONITOR_ARGV = ['ip', '-o', 'monitor', 'address', 'link'] as const;
export const DUMP_ARGV = ['ip', '-json', 'addr', 'show'] as const;

export interface MonitorViewOptions {
  /** How long a fresh read waits for the child to catch up before it dumps (default 1000 ms). */
  freshWaitMs?: number;
  /** Told of each resync and restart (for the log and the tests). */
  onEvent?: (e: { event: 'resync' | 'restart'; reason: string }) => void;
  /** Run the children in this network namespace (`ip netns exec`, which execs: same pid). The tests' own namespaces. */
  netns?: string;
}

export class MonitorView implements LinksView {
  private table = new LinkTable();
  private child: IpChild | null = null;
  private watch: ChildWatch | null = null;
  private received = 0;
  /** Bytes the child wrote elsewhere before it listened (wchar counts every write): set once it listens. */
  private writtenBase: number | null = null;
  private drops = 0;
  private closed = false;
  private stale = false;
  /** The table cannot be trusted (a dump failed, or kept moving): the next read dumps. */
  private needDump = false;
  private restartMs = 100;
  private restartTimer: NodeJS.Timeout | null = null;
  /** The dump in flight; events that arrive meanwhile wait in `queue` and are applied after it. */
  private syncing: Promise<void> | null = null;
  private again: string | null = null;
  private queue: MonitorEvent[] | null = null;
  readonly stats = { dumps: 0, resyncs: 0, restarts: 0, caughtUp: 0, lastReason: '' };

  private constructor(private readonly o: MonitorViewOptions) {}

  static async open(o: MonitorViewOptions = {}): Promise<MonitorView> {
    const v = new MonitorView(o);
    v.startChild();
    try {
      await v.listening();
      await v.resync('start');
    } catch (e) {
      await v.close();
      throw e;
    }
    return v;
  }

  /** The pid of the monitor child now (tests kill it). */
  get monitorPid(): number | undefined {
    return this.child?.pid;
  }

  /** Resolves when no dump is in flight (tests). */
  async settled(): Promise<void> {
    while (this.syncing) await this.syncing.catch(() => undefined);
  }

  async read(o?: { fresh?: boolean }): Promise<Link[]> {
    if (this.closed) throw new Error('links view closed');
    const fresh = o?.fresh === true || this.stale;
    this.stale = false;
    if (this.syncing) await this.syncing;
    if (this.needDump || !this.child) await this.resync(this.child ? 'last dump failed' : 'no monitor');
    else if (fresh && !(await this.caughtUp())) await this.resync('not caught up');
    return this.table.read();
  }

  invalidate(): void {
    this.stale = true;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const c = this.child;
    this.child = null;
    // SIGKILL and go: waiting for the exit would hold a stopping watcher up (it exits right after)
    if (c) killGroup(c);
    await this.syncing?.catch(() => undefined);
  }

  /** Dump again (joined with one in flight: that one then dumps once more). */
  resync(reason: string): Promise<void> {
    this.stats.lastReason = reason;
    if (this.syncing) {
      this.again ??= reason;
      return this.syncing;
    }
    this.stats.resyncs++;
    if (reason !== 'start') this.o.onEvent?.({ event: 'resync', reason });
    this.syncing = (async () => {
      try {
        for (let n = 0; n < 5; n++) {
          this.again = null;
          this.queue = [];
          const text = await dump(this.o.netns);
          this.stats.dumps++;
          this.table.load(text);
          const q = this.queue;
          this.queue = null;
          for (const e of q) if (!this.table.apply(e)) this.again ??= `event on unknown link ${e.ifindex}`;
          if (this.again === null) {
            this.needDump = false;
            return;
          }
        }
        this.needDump = true; // still moving: the next read dumps again
      } catch (e) {
        this.needDump = true;
        throw e;
      } finally {
        this.queue = null;
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  private startChild(): void {
    const c = spawnIp(inNetns(this.o.netns, MONITOR_ARGV.slice(1)), false);
    this.child = c;
    this.received = 0;
    this.writtenBase = null;
    this.drops = 0;
    this.watch = c.pid === undefined ? null : new ChildWatch(c.pid);
    c.on('error', () => undefined); // 'close' follows
    c.stdout.on('data', (b: Buffer) => (this.received += b.length));
    c.stderr.on('data', (b: Buffer) => {
      this.received += b.length;
      if (this.child === c) void this.resync(`monitor stderr: ${b.toString('utf8').trim().slice(0, 200)}`).catch(() => undefined);
    });
    createInterface({ input: c.stdout, crlfDelay: Infinity }).on('line', (line) => {
      if (this.child === c) this.onLine(line);
    });
    c.once('close', (code, signal) => {
      if (this.child !== c) return;
      this.child = null;
      this.watch = null;
      if (this.closed) return;
      this.stats.restarts++;
      this.o.onEvent?.({ event: 'restart', reason: `monitor exited (${signal ?? `code ${code}`})` });
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (this.closed) return;
        this.startChild();
        void this.listening().then(() => this.resync('monitor restarted')).catch(() => undefined);
      }, this.restartMs);
      this.restartTimer.unref();
      this.restartMs = Math.min(this.restartMs * 2, 5000);
    });
  }

  private onLine(line: string): void {
    if (line === '') return;
    const e = parseMonitorLine(line);
    if (e === null) {
      void this.resync(`unparsed monitor line: ${line.slice(0, 200)}`).catch(() => undefined);
      return;
    }
    this.restartMs = 100;
    if (this.queue) this.queue.push(e);
    else if (!this.table.apply(e)) void this.resync(`event on unknown link ${e.ifindex}`).catch(() => undefined);
  }

  /** Until the child sleeps in recvmsg (subscribed), at most freshWaitMs. */
  private async listening(): Promise<void> {
    const until = performance.now() + (this.o.freshWaitMs ?? 1000);
    while (performance.now() < until && this.child) {
      const s = this.watch?.state();
      if (s?.idle) {
        this.writtenBase = s.written - this.received;
        this.drops = s.drops;
        return;
      }
      await pause(2);
    }
  }

  /**
   * True once the child has printed all the kernel told it before this call
   * and we have read it all; false if it cannot be told within freshWaitMs.
   */
  private async caughtUp(): Promise<boolean> {
    const until = performance.now() + (this.o.freshWaitMs ?? 1000);
    let hops = 0;
    while (this.child && this.watch && this.writtenBase !== null && performance.now() < until) {
      const s = this.watch.state();
      if (s === null) return false;
      if (s.drops > this.drops) {
        this.drops = s.drops;
        return false; // lost notifications: the caller dumps
      }
      if (s.idle && this.received + this.writtenBase >= s.written) {
        if (this.syncing) await this.syncing; // a line on the way started one
        this.stats.caughtUp++;
        return true;
      }
      // the child is busy or its output is in the pipe: let the loop read it
      await (hops++ < 20 ? immediate() : pause(1));
    }
    return false;
  }
}

async function dump(netns: string | undefined): Promise<string> {
  const r = await run(netns === undefined ? DUMP_ARGV : ['ip', ...inNetns(netns, DUMP_ARGV.slice(1))], { timeoutMs: RUN_TIMEOUT_MS });
  if (!ok(r)) throw new VipctlError('EXEC', describeFailure(r), { argv: r.argv, ...(r.timedOut ? { timedOut: true } : {}) });
  return r.stdout;
}

const immediate = (): Promise<void> => new Promise((r) => setImmediate(r));
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
