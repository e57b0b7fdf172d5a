/**
 * Everything the watcher (node.ts, master.ts and what they build) reaches
 * outside itself, as one object: the pass (converge), the clock, the links
 * view, the Sentinel links and queries, the ROLE poller, the host-name
 * resolver, the conflict probe, the metrics and the logger. `realWatchDeps`
 * is what `vipctl watch` runs with; the unit tests (test/watch/) pass fakes,
 * so the whole watcher runs there without root, Redis or `vi.mock`.
 */
import type { Config } from '../core/config';
import type { HostPort } from '../core/address';
import type { LinksView } from '../core/links-view';
import type { SentinelMasters } from '../core/sentinel-masters';
import type { DupProbe } from '../core/dup-probe';
import type { Resolved } from '../core/desired';
import type { SentinelView } from '../core/sentinel-view';
import { SentinelLink, type SentinelLinkEvents, type SentinelLinkOptions } from '../adapters/sentinel-events';
import { SentinelQueries } from '../adapters/sentinel-queries';
import { askEverySentinelMasters, askSentinelMasters } from '../adapters/sentinel';
import { pollRole, type RolePollOptions, type RolePoller } from '../adapters/redis-role';
import { startMetrics, type WatchMetrics } from '../adapters/metrics';
import { probeDuplicate } from '../adapters/dup-probe';
import { resolveNames } from '../adapters/resolve';
import type { Resolver } from '../adapters/name-cache';
import type { Logger } from '../adapters/log';
import { converge, type ConvergeOptions, type ConvergeResult } from '../pass/converge';
import { resolveMasterNames } from '../pass/resolve-masters';
import { openLinksView, type WatchLinks } from './links';

/** Why a bind happened, for vipctl_last_failover_bind_latency_seconds (only a failover's counts). */
export type BindCause = 'failover' | 'other';

/**
 * The metrics as the watcher uses them: bindLatency says what caused the
 * bind (src/adapters/metrics.ts keeps the failover gauge for 'failover').
 */
export type WatchMetricsSink = Omit<WatchMetrics, 'bindLatency'> & { bindLatency(master: string, ms: number, cause: BindCause): void };

/** One subscription to one Sentinel (adapters/sentinel-events): what the watcher reads of it. */
export interface SentinelLinkLike {
  readonly name: string;
  /** Epoch ms of its last answer; -Infinity if none. */
  readonly lastOkAt: number;
  /** Epoch ms of its last refused connection attempt while that is its latest failure; else -Infinity. */
  readonly refusedAt: number;
  start(): void;
  close(): void;
}

/**
 * The links view with, where it has them (src/watch/links.ts), its way to run
 * the plans' `ip` commands (an `ip -batch` child) and a read that reflects
 * every change before it (the recheck after an `ip` timeout): converge's
 * runExec and readFresh.
 */
export type WatchLinksView = LinksView & Partial<Pick<WatchLinks, 'runExec' | 'readFresh'>>;

/** converge's options that the links view provides (none for a view without them). */
export function execOptionsOf(v: WatchLinksView | null): Pick<WatchLinksView, 'runExec' | 'readFresh'> {
  return { ...(v?.runExec ? { runExec: v.runExec } : {}), ...(v?.readFresh ? { readFresh: v.readFresh } : {}) };
}

/** SENTINEL MASTERS to the configured Sentinels (adapters/sentinel-queries). */
export interface SentinelQueriesLike {
  /** To every configured Sentinel (one promise each, in the config's order). */
  every(): Promise<SentinelMasters>[];
  /** To one. */
  one(address: HostPort): Promise<SentinelMasters>;
  close(): void;
}

export interface WatchDeps {
  logger: Logger;
  /** Epoch ms. */
  now: () => number;
  converge: (o: ConvergeOptions) => Promise<ConvergeResult>;
  /** The host's links (src/watch/links.ts). */
  openLinks: () => Promise<WatchLinksView>;
  sentinelLink: (address: HostPort, o: SentinelLinkOptions, ev: SentinelLinkEvents) => SentinelLinkLike;
  /** The watcher's SENTINEL MASTERS queries (adapters/sentinel-queries: one kept connection per Sentinel), closed when the node stops. */
  sentinelQueries: (config: Config) => SentinelQueriesLike;
  pollRole: (address: HostPort, o: RolePollOptions) => RolePoller;
  startMetrics: (listen: HostPort | null) => Promise<WatchMetricsSink>;
  /** Resolves host names (announce-hostnames yes) for the events. */
  resolver: Resolver;
  /** Resolves the master's name of a view (a level pass). */
  resolveMasters: (views: Iterable<Pick<SentinelView, 'master'>>) => Promise<Resolved>;
  /** The conflict probe (adapters/dup-probe). */
  probe: (ifname: string, vip: string) => Promise<DupProbe>;
}

/** One short-lived connection per query (withClient): the watcher's queries before SentinelQueries kept them. */
function shortLivedQueries(cfg: Config): SentinelQueriesLike {
  return {
    every: () => askEverySentinelMasters(cfg, cfg.watch.queryTimeoutMs),
    one: (a) => askSentinelMasters(cfg, a, cfg.watch.queryTimeoutMs),
    close: () => undefined,
  };
}

export function realWatchDeps(logger: Logger): WatchDeps {
  return {
    logger,
    now: Date.now,
    converge,
    openLinks: openLinksView,
    sentinelLink: (a, o, ev) => new SentinelLink(a, o, ev),
    // VIPCTL_IDLE_BEFORE=1 (bench:idle's "before"): a new connection per query, as before kept connections
    sentinelQueries: (cfg) => (process.env.VIPCTL_IDLE_BEFORE === '1' ? shortLivedQueries(cfg) : new SentinelQueries(cfg)),
    pollRole,
    startMetrics,
    resolver: resolveNames,
    resolveMasters: resolveMasterNames,
    probe: probeDuplicate,
  };
}
