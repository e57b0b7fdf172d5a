/**
 * Fakes for the watcher's deps (src/watch/deps.ts): a host whose links a fake
 * converge changes (with the real decide and plan rules), a links view over
 * it, Sentinel links and queries the test drives, a ROLE poller the test
 * answers, a logger and metrics that record. No root, no Redis, no vi.mock.
 */
import type { Config } from '../../src/core/config';
import { decide } from '../../src/core/decide';
import { planFor } from '../../src/core/plan';
import { boundOn, preferredOn, resolveInterface, segmentAddresses, type Link } from '../../src/core/local';
import type { LinksView } from '../../src/core/links-view';
import type { SentinelMasters } from '../../src/core/sentinel-masters';
import type { HostPort } from '../../src/core/address';
import type { ConvergeOptions, ConvergeResult } from '../../src/pass/converge';
import type { StepResult } from '../../src/adapters/execute';
import type { SentinelLinkEvents } from '../../src/adapters/sentinel-events';
import type { RolePollOptions } from '../../src/adapters/redis-role';
import type { SentinelLinkLike, WatchDeps, WatchMetricsSink } from '../../src/watch/deps';

export type Line = Record<string, unknown> & { level: string; msg: string };

export function recordingLogger(): { logger: never; lines: Line[]; events: (name: string) => Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg = '') => void lines.push({ ...fields, level, msg });
  const logger = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), child: () => logger };
  return { logger: logger as never, lines, events: (name) => lines.filter((l) => l.event === name) };
}

export function recordingMetrics(): WatchMetricsSink & { calls: Array<[string, ...unknown[]]> } {
  const calls: Array<[string, ...unknown[]]> = [];
  const rec = (name: string) => (...a: unknown[]) => void calls.push([name, ...a]);
  return {
    calls,
    vipBound: rec('vipBound'), sentinels: rec('sentinels'), pass: rec('pass'), error: rec('error'), fenced: rec('fenced'), fenceSkipped: rec('fenceSkipped'),
    sentinelsRefusing: rec('sentinelsRefusing'), bindLatency: rec('bindLatency'), conflict: rec('conflict'), address: null, close: async () => undefined,
  } as never;
}

/** One converge call as the fake saw it. */
export interface PassSeen {
  trigger: string;
  announce: boolean;
  count: number;
  reannounce: unknown;
  desired: string;
  /** The decision's action; 'announce' for a 'none' that announces (bound here, announceWhenBound). */
  action: string;
  /** The links came from the pass's snapshot (no read of the view). */
  snapshot: boolean;
  /** The pass was given a lock of the watcher's own (converge's deps.acquireLock: src/watch/kept-locks.ts). */
  keptLock: boolean;
}

/**
 * A host: its links (eth0 with `own`), which the fake converge changes as the real one would
 * decide; `gate` set: each converge waits until the test calls the `open` it pushed.
 */
export class FakeHost {
  links: Link[];
  passes: PassSeen[] = [];
  reads = 0;
  invalidated = 0;
  gate = false;
  opens: Array<() => void> = [];
  /** Throw from the next converge. */
  fail: Error | null = null;

  constructor(readonly own: string, mac = '02:00:00:00:00:01') {
    this.links = [{ ifname: 'eth0', up: true, mac, addresses: [{ address: own, prefix: 24, family: 4 }] }];
  }

  view(): LinksView {
    return {
      read: async () => {
        this.reads++;
        return structuredClone(this.links);
      },
      invalidate: () => void this.invalidated++,
      close: async () => undefined,
    };
  }

  bind(vip: string, prefix = 24): void {
    this.links[0]!.addresses.push({ address: vip, prefix, family: 4 });
  }

  unbind(vip: string): void {
    this.links[0]!.addresses = this.links[0]!.addresses.filter((a) => a.address !== vip);
  }

  converge = async (o: ConvergeOptions): Promise<ConvergeResult> => {
    if (this.gate) await new Promise<void>((r) => this.opens.push(r));
    if (this.fail) {
      const e = this.fail;
      this.fail = null;
      throw e;
    }
    const before = this.reads;
    const links = o.readLinks ? await o.readLinks() : structuredClone(this.links);
    const vip = o.master.vip.address;
    const vips = [...o.config.masters.values()].map((m) => m.vip.address);
    const want = o.want(segmentAddresses(o.master, links, vips));
    const bound = boundOn(links, vip);
    const target = want.desired === 'here' ? resolveInterface(o.master, links) : null;
    const decision = decide(want.desired, { boundOn: bound, interface: target, preferredOn: preferredOn(links, vip) }, { announceWhenBound: o.announceWhenBound });
    const steps = planFor(decision, o.master.vip, target ?? bound[0] ?? null, o.config.announce);
    const results: StepResult[] = [];
    for (const s of steps) {
      if (s.kind === 'exec' && s.what === 'ip-add') this.bind(vip, o.master.vip.prefix);
      if (s.kind === 'exec' && s.what === 'ip-del') this.unbind(vip);
      results.push({ step: s, action: s.kind === 'announce' ? 'announce' : s.kind === 'stop-announce' ? 'stop-announce' : s.what === 'ip-add' ? 'bind' : 'unbind', durationMs: 0 });
    }
    const extra = o.extraFields?.({ want, decision }) ?? {};
    this.passes.push({ trigger: String(extra.trigger), announce: o.announceWhenBound, count: o.config.announce.count, reannounce: extra.reannounce, desired: want.desired, action: decision.action === 'none' && decision.announce ? 'announce' : decision.action, snapshot: this.reads === before, keptLock: typeof o.deps?.acquireLock === 'function' });
    o.logger.info({ ...extra, event: results.length > 0 ? results[0]!.action : 'noop' }, 'fake converge');
    return { interface: target ?? undefined, decision, steps, results, durationMs: 0 };
  };
}

/** A Sentinel link the test drives: `events` are the node's handlers. */
export class FakeLink implements SentinelLinkLike {
  lastOkAt = -Infinity;
  refusedAt = -Infinity;
  started = false;
  closed = false;
  constructor(readonly name: string, readonly events: SentinelLinkEvents) {}
  start(): void {
    this.started = true;
  }
  close(): void {
    this.closed = true;
  }
  message(channel: string, message: string, at = Date.now()): void {
    this.lastOkAt = at;
    this.events.onMessage(this.name, channel, message, at);
  }
}

/** The Sentinels: each answers SENTINEL MASTERS with `master` (null: no answer). */
export class FakeSentinels {
  links: FakeLink[] = [];
  master: string | null;
  timings = { downAfterMs: 1000, failoverTimeoutMs: 10_000 };
  /** Per Sentinel (host:port), instead of `timings`. */
  timingsBy: Record<string, { downAfterMs: number; failoverTimeoutMs: number }> = {};
  queries = 0;
  /** Query clients made (sentinelQueries) and closed. */
  queryClients = 0;
  queryClientsClosed = 0;
  constructor(readonly config: Config, master: string | null) {
    this.master = master;
  }
  answer(a: HostPort): SentinelMasters {
    const sentinel = `${a.host}:${a.port}`;
    if (this.master === null) return { sentinel, masters: null, error: 'down' };
    const address = this.master;
    return { sentinel, masters: new Map([...this.config.masters.keys()].map((name) => [name, { name, address, flags: ['master'], ...(this.timingsBy[sentinel] ?? this.timings) }])) };
  }
}

export interface Fakes {
  host: FakeHost;
  sentinels: FakeSentinels;
  log: ReturnType<typeof recordingLogger>;
  metrics: ReturnType<typeof recordingMetrics>;
  polls: Array<{ address: HostPort; o: RolePollOptions; stopped: boolean }>;
  deps: Partial<WatchDeps>;
}

export function fakes(config: Config, own: string, master: string | null): Fakes {
  const host = new FakeHost(own);
  const sentinels = new FakeSentinels(config, master);
  const log = recordingLogger();
  const metrics = recordingMetrics();
  const polls: Fakes['polls'] = [];
  const view = host.view();
  const deps: Partial<WatchDeps> = {
    converge: host.converge,
    openLinks: async () => view,
    sentinelLink: (a, _o, ev) => {
      const l = new FakeLink(`${a.host}:${a.port}`, ev);
      sentinels.links.push(l);
      return l;
    },
    sentinelQueries: (cfg) => {
      sentinels.queryClients++;
      return {
        every: () =>
          cfg.sentinel.addresses.map(async (a) => {
            sentinels.queries++;
            return sentinels.answer(a);
          }),
        one: async (a) => sentinels.answer(a),
        close: () => void sentinels.queryClientsClosed++,
      };
    },
    pollRole: (address, o) => {
      const p = { address, o, stopped: false };
      polls.push(p);
      return { stop: () => void (p.stopped = true) };
    },
    startMetrics: async () => metrics,
    resolver: async (names) => new Map([...names].map((n) => [n, null])),
    resolveMasters: async () => new Map(),
    probe: async () => ({ kind: 'free' }),
  };
  return { host, sentinels, log, metrics, polls, deps };
}

/** Let promises and immediates run. */
export const flush = async (n = 3): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

/** Wait until `f` is true (real timers, a few ms at a time), or fail after `ms`. */
export async function until(what: string, f: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
