/**
 * Prometheus metrics of `vipctl watch` (prom-client), served as text at
 * http://<metrics.listen>/metrics (and a small index page at /). prom-client
 * is loaded only when metrics are configured; without them every call is a
 * no-op. Besides the watcher's own: vipctl_build_info{version,commit} and
 * prom-client's default process metrics (vipctl_process_*, vipctl_nodejs_*).
 * Every per-master series exists from the start (counters at 0): for the
 * masters given to startMetrics, and for any master the first time it is named.
 */
import http from 'node:http';
import { version } from '../../package.json';
import type { HostPort } from '../core/address';
import { COMMIT } from '../core/version';
import { logWriteErrors } from './log-sink';

/** Why the VIP was bound: a failover (the promotion's events, the start-up ask) or anything else (a timer pass correcting a drift...). */
export type BindCause = 'failover' | 'other';

export interface WatchMetrics {
  vipBound(master: string, bound: boolean): void;
  sentinels(reachable: number, configured: number): void;
  pass(master: string): void;
  error(master: string): void;
  fenced(master: string, fenced: boolean): void;
  /** Fencing skipped (no majority reachable, but too few Sentinels can be alive for a failover): 1 while so; and how many Sentinels refuse connections. */
  fenceSkipped(master: string, skipped: boolean): void;
  sentinelsRefusing(n: number): void;
  /** Event-to-bind latency of the last bind here: of a failover (vipctl_last_failover_bind_latency_seconds) or of another cause (vipctl_last_other_bind_latency_seconds). */
  bindLatency(master: string, ms: number, cause?: BindCause): void;
  /** 1 while another host answers for the VIP bound here (foreign-holder detection). */
  conflict(master: string, on: boolean): void;
  /** Where it listens ("host:port"), null when off. */
  readonly address: string | null;
  close(): Promise<void>;
}

/**
 * The endpoint's bounds: whoever can reach it (any local user, for the
 * default 127.0.0.1) must not cost the watcher its file descriptors (two
 * flooders holding ~20k idle connections made every pass fail with EMFILE).
 * At most MAX_CONNECTIONS at once (more are closed as soon as accepted); a
 * request must have sent its headers within HEADERS_TIMEOUT_MS and be done
 * within REQUEST_TIMEOUT_MS; an idle connection is closed after
 * IDLE_TIMEOUT_MS. A scrape takes one connection for a few ms.
 */
export const METRICS_LIMITS = { MAX_CONNECTIONS: 32, HEADERS_TIMEOUT_MS: 2000, REQUEST_TIMEOUT_MS: 3000, IDLE_TIMEOUT_MS: 2000, CHECK_INTERVAL_MS: 500 } as const;

const NOOP: WatchMetrics = { vipBound() {}, sentinels() {}, pass() {}, error() {}, fenced() {}, fenceSkipped() {}, sentinelsRefusing() {}, bindLatency() {}, conflict() {}, address: null, close: async () => {} };

export const INDEX_HTML = '<!doctype html>\n<html><head><title>vipctl watch</title></head><body><h1>vipctl watch</h1><p><a href="/metrics">/metrics</a> (Prometheus text format)</p></body></html>\n';

export interface MetricsOptions {
  /** The configured masters: their per-master series are there from the first scrape. */
  masters?: readonly string[];
}

export async function startMetrics(listen: HostPort | null, options: MetricsOptions = {}): Promise<WatchMetrics> {
  if (listen === null) return NOOP;
  // prom-client is CommonJS: bundled into ESM its exports sit on `default`; under plain Node ESM they are named too
  const loaded = (await import('prom-client')) as typeof import('prom-client') & { default?: typeof import('prom-client') };
  const prom = loaded.default ?? loaded;
  const registry = new prom.Registry();
  const r = { registers: [registry] };
  const bound = new prom.Gauge({ name: 'vipctl_vip_bound', help: '1 when the VIP of this master is bound on this host', labelNames: ['master'], ...r });
  const reachable = new prom.Gauge({ name: 'vipctl_sentinels_reachable', help: 'Sentinels that answered recently', ...r });
  const configured = new prom.Gauge({ name: 'vipctl_sentinels_configured', help: 'Sentinels in the config', ...r });
  const passes = new prom.Counter({ name: 'vipctl_reconcile_passes_total', help: 'Reconcile passes run', labelNames: ['master'], ...r });
  const errors = new prom.Counter({ name: 'vipctl_reconcile_errors_total', help: 'Reconcile passes that failed', labelNames: ['master'], ...r });
  const fenced = new prom.Gauge({ name: 'vipctl_fenced', help: '1 while no Sentinel majority has been reachable for the fence time', labelNames: ['master'], ...r });
  const skipped = new prom.Gauge({ name: 'vipctl_fence_skipped', help: '1 while no Sentinel majority is reachable but fencing is skipped: too few Sentinels can be alive (the others refuse connections) for a failover', labelNames: ['master'], ...r });
  const refusing = new prom.Gauge({ name: 'vipctl_sentinels_refusing', help: 'Sentinels whose hosts refuse connections (the process is gone: they cannot vote)', ...r });
  const latency = new prom.Gauge({ name: 'vipctl_last_failover_bind_latency_seconds', help: 'From the event that triggered the last failover bind here to the bind', labelNames: ['master'], ...r });
  const otherLatency = new prom.Gauge({ name: 'vipctl_last_other_bind_latency_seconds', help: 'From the trigger of the last bind here that was not a failover (a timer pass correcting a drift...) to the bind', labelNames: ['master'], ...r });
  new prom.Gauge({ name: 'vipctl_build_info', help: 'Always 1: the version and commit of this vipctl', labelNames: ['version', 'commit'], ...r }).set({ version, commit: COMMIT }, 1);
  prom.collectDefaultMetrics({ register: registry, prefix: 'vipctl_' });
  const conflict = new prom.Gauge({ name: 'vipctl_vip_conflict', help: '1 while another host (a MAC not of this host) answers for the VIP bound here', labelNames: ['master'], ...r });
  // log writes that failed in this process (./log-sink counts them; read at each scrape)
  let logErrorsSeen = 0;
  new prom.Counter({
    name: 'vipctl_log_write_errors_total',
    help: 'Log lines that could not be written (log file or stderr) since the watcher started',
    ...r,
    collect() {
      const n = logWriteErrors();
      if (n > logErrorsSeen) this.inc(n - logErrorsSeen);
      logErrorsSeen = n;
    },
  });
  // every counter present from the start at 0: per master, the first time the master is named (or given here)
  const known = new Set<string>();
  const declare = (m: string): void => {
    if (known.has(m)) return;
    known.add(m);
    passes.inc({ master: m }, 0);
    errors.inc({ master: m }, 0);
  };
  for (const m of options.masters ?? []) declare(m);
  const L = METRICS_LIMITS;
  const server = http.createServer({ headersTimeout: L.HEADERS_TIMEOUT_MS, requestTimeout: L.REQUEST_TIMEOUT_MS, keepAliveTimeout: L.IDLE_TIMEOUT_MS, connectionsCheckingInterval: L.CHECK_INTERVAL_MS, maxHeaderSize: 8192 }, (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(INDEX_HTML);
      return;
    }
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (e: Error) => res.writeHead(500).end(`${e.message}\n`),
    );
  });
  server.maxConnections = L.MAX_CONNECTIONS;
  server.maxRequestsPerSocket = 100;
  // a connection that sends nothing at all (no request for the headers timeout to measure)
  server.setTimeout(L.IDLE_TIMEOUT_MS, (socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  return {
    vipBound: (m, b) => {
      declare(m);
      bound.set({ master: m }, b ? 1 : 0);
    },
    sentinels: (n, total) => {
      reachable.set(n);
      configured.set(total);
    },
    pass: (m) => {
      declare(m);
      passes.inc({ master: m });
    },
    error: (m) => {
      declare(m);
      errors.inc({ master: m });
    },
    fenced: (m, f) => {
      declare(m);
      fenced.set({ master: m }, f ? 1 : 0);
    },
    fenceSkipped: (m, f) => skipped.set({ master: m }, f ? 1 : 0),
    sentinelsRefusing: (n) => refusing.set(n),
    bindLatency: (m, ms, cause = 'failover') => (cause === 'failover' ? latency : otherLatency).set({ master: m }, ms / 1000),
    conflict: (m, on) => conflict.set({ master: m }, on ? 1 : 0),
    address: `${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
