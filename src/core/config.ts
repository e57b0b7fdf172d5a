/**
 * The config file's schema and validation. Pure: takes the parsed YAML
 * document and the environment, returns a typed config or throws one
 * VipctlError listing every problem at once (key and reason for each).
 */
// zod/mini: the same validator, tree-shaken to a few kB. The full `zod` bundle
// cost ~30 ms of start-up on the hook's path (measured; README "Performance").
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { isNetworkOrBroadcast, nonHostAddressKind, parseCidr, parseHostPort, type Cidr, type HostPort } from './address';
import { VipctlError } from './errors';
import { DEFAULT_NOTIFY_TIMEOUT_MS, notifyArgvProblems, type NotifyCommands } from './notify';

z.config(en()); // English messages only (z.locales would bundle every language)

export const DEFAULT_CONFIG_PATH = '/etc/vipctl/vipctl.yaml';

const hostPort = z.string().check(
  z.refine((s) => parseHostPort(s) !== null, { message: 'must be host:port (IPv6 as [addr]:port), port 1-65535' }),
);
const cidr = z.string().check(
  z.refine((s) => parseCidr(s) !== null, { message: 'must be an address in CIDR form, e.g. 10.0.0.100/24' }),
);
// Linux interface names: 1-15 chars, no slash, no whitespace, not "." or "..".
const ifname = z.string().check(z.regex(/^(?!\.{1,2}$)[^/\s:]{1,15}$/, 'must be a Linux interface name (1-15 characters, no "/", ":" or spaces)'));
// Sentinel master names: anything without whitespace or control characters.
const masterName = z.string().check(z.regex(/^[^\s\x00-\x1f\x7f]{1,128}$/, 'must be a Sentinel master name (no spaces)'));
const nonEmpty = () => z.string().check(z.minLength(1));
// Paths root writes to: absolute only (a relative one would depend on Sentinel's working directory).
const ABSOLUTE_PATH_MESSAGE = 'must be an absolute path (start with /)';
const absolutePath = () => z.string().check(z.regex(/^\/[^\0]*$/, ABSOLUTE_PATH_MESSAGE));
const intIn = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));
// TLS towards Sentinel or Redis: the section's presence turns TLS on; every file is PEM, by absolute path.
// The files are read when a command first connects (src/adapters/connection.ts), never by the hook.
const tlsSection = () =>
  z.optional(
    z.strictObject({
      ca: z.optional(absolutePath()),
      cert: z.optional(absolutePath()),
      key: z.optional(absolutePath()),
      serverName: z.optional(z.string().check(z.regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a DNS name (the name in the server certificate)'))),
    }),
  );

// The OS user (name or uid) whose listening socket on this host may get credentials, besides root (src/core/socket-table.ts).
// Default (when left out): redis, Debian's user for redis-server and redis-sentinel.
const serviceUser = () => z.optional(z.string().check(z.regex(/^([a-z_][a-z0-9_-]{0,31}|\d{1,10})$/, 'must be a user name or a uid')));
// Notify commands (core/notify): argv arrays; a master's own replaces the global one (null: none for this master).
const notifyArgv = () => z.array(z.string());
const masterNotify = () => z.strictObject({ onBind: z.optional(z.nullable(notifyArgv())), onUnbind: z.optional(z.nullable(notifyArgv())) });

const schema = z.strictObject({
  sentinel: z.strictObject({
    addresses: z.array(hostPort).check(z.minLength(1, 'needs at least one Sentinel')),
    password: z.optional(nonEmpty()),
    username: z.optional(nonEmpty()),
    tls: tlsSection(),
    serviceUser: serviceUser(),
  }),
  masters: z
    .record(masterName, z.strictObject({ vip: cidr, interface: z.optional(ifname), notify: z.optional(masterNotify()) }))
    .check(z.refine((m) => Object.keys(m).length > 0, { message: 'needs at least one master' })),
  announce: z.prefault(
    z.strictObject({
      count: z._default(intIn(0, 100), 5),
      // arping takes whole seconds for its interval.
      intervalSeconds: z._default(intIn(1, 60), 1),
      mode: z._default(z.enum(['request', 'reply']), 'request'),
      // watch: while the VIP is held here, announce it again (one packet) this often; 0 = off; unset = ANNOUNCE_REFRESH_MS.
      refreshMs: z.optional(z.union([z.literal(0), intIn(1000, 3_600_000)])),
    }),
    {},
  ),
  log: z.prefault(
    z.strictObject({
      file: z._default(z.nullable(absolutePath()), '/var/log/vipctl/vipctl.log'),
      level: z._default(z.enum(['debug', 'info', 'warn', 'error']), 'info'),
    }),
    {},
  ),
  runDir: z._default(absolutePath(), '/run/vipctl'),
  lockTimeoutMs: z._default(intIn(0, 55_000), 10_000),
  // The data Redis on this host, read with ROLE by watch and status.
  redis: z.prefault(z.strictObject({ password: z.optional(nonEmpty()), username: z.optional(nonEmpty()), tls: tlsSection(), serviceUser: serviceUser() }), {}),
  watch: z.prefault(
    z.strictObject({
      intervalMs: z._default(intIn(50, 600_000), 1000),
      // auto = the master's down-after-milliseconds as Sentinel reports it; 0 = never fence.
      fenceAfterMs: z._default(z.union([z.literal('auto'), intIn(0, 3_600_000)]), 'auto'),
      // ROLE poll period of the new master's host during a failover.
      rolePollMs: z._default(intIn(1, 1000), 5),
      // PING period on each Sentinel subscription (reachability, for fencing).
      sentinelPingMs: z._default(intIn(10, 10_000), 100),
      // Deadline of each Sentinel query of a pass.
      queryTimeoutMs: z._default(intIn(50, 10_000), 500),
      // Foreign-holder probe period on the VIP's holder (0 = off): src/watch/conflict.ts.
      conflictProbeMs: z._default(z.union([z.literal(0), intIn(200, 3_600_000)]), 5000),
    }),
    {},
  ),
  metrics: z.optional(z.strictObject({ listen: hostPort })),
  notify: z.prefault(z.strictObject({ onBind: z.optional(notifyArgv()), onUnbind: z.optional(notifyArgv()), timeoutMs: z._default(intIn(100, 3_600_000), DEFAULT_NOTIFY_TIMEOUT_MS) }), {}),
});

/** announce.refreshMs when unset (ms): see refreshMsOf. */
export const ANNOUNCE_REFRESH_MS = 5000;

/** How often `watch` announces a VIP it holds again (0 = never): announce.refreshMs, default ANNOUNCE_REFRESH_MS. */
export function refreshMsOf(announce: { refreshMs?: number | undefined }): number {
  return announce.refreshMs ?? ANNOUNCE_REFRESH_MS;
}

export type RawConfig = z.output<typeof schema>;

export interface MasterConfig {
  name: string;
  vip: Cidr;
  /** Configured interface; undefined means autodetect from the VIP's subnet. */
  interface?: string;
  /** Its notify commands (the master's own, else the global ones); absent when it has none. */
  notify?: NotifyCommands;
}

/** TLS settings of one side (Sentinel or Redis): file paths, not contents. */
export interface TlsConfig {
  ca?: string;
  cert?: string;
  key?: string;
  serverName?: string;
}

/** How to reach one side: credentials, and TLS when configured. */
export interface ConnectionConfig {
  password?: string;
  username?: string;
  tls?: TlsConfig;
  /** The service's OS user: a server on this host must listen as it (or root) to get credentials. Default `redis`. */
  serviceUser?: string;
}

export interface Config {
  sentinel: { addresses: HostPort[] } & ConnectionConfig;
  masters: Map<string, MasterConfig>;
  announce: RawConfig['announce'];
  log: RawConfig['log'];
  runDir: string;
  lockTimeoutMs: number;
  redis: ConnectionConfig;
  watch: { intervalMs: number; fenceAfterMs: 'auto' | number; rolePollMs: number; sentinelPingMs: number; queryTimeoutMs: number; conflictProbeMs: number };
  /** Prometheus endpoint while `watch` runs; null when not configured. */
  metrics: { listen: HostPort } | null;
}

/** Environment variables that override config keys (documented in the README). */
export interface ConfigEnv {
  [name: string]: string | undefined;
  VIPCTL_SENTINEL_PASSWORD?: string;
  VIPCTL_REDIS_PASSWORD?: string;
  VIPCTL_LOG_FILE?: string;
  VIPCTL_RUN_DIR?: string;
}

/** Sections whose keys all have defaults: left empty in YAML (every key commented out) they read as null, meaning "the defaults". */
const OPTIONAL_SECTIONS = ['announce', 'log', 'redis', 'watch', 'metrics', 'notify'] as const;

function withoutEmptySections(doc: unknown): unknown {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return doc;
  const out: Record<string, unknown> = { ...(doc as Record<string, unknown>) };
  for (const k of OPTIONAL_SECTIONS) if (out[k] === null) delete out[k];
  return out;
}

function keyOf(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(top level)';
}

/** Validate a parsed YAML document. `source` names the file in messages. */
export function validateConfig(doc: unknown, env: ConfigEnv = {}, source = 'config'): Config {
  // reportInput: without it zod 4 leaves `issue.input` unset on every issue,
  // and a present-but-wrong value (`count: 1.5`, `vip: 5`) would read "required".
  const result = schema.safeParse(withoutEmptySections(doc ?? {}), { reportInput: true });
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys) problems.push(`${keyOf([...issue.path, k])}: unknown key`);
      } else if (issue.code === 'invalid_key') {
        // A bad record key (master name): the key schema's own message says why.
        problems.push(`${keyOf(issue.path)}: ${issue.issues[0]?.message ?? issue.message}`);
      } else if (issue.code === 'invalid_type' && issue.input === undefined) {
        problems.push(`${keyOf(issue.path)}: required`);
      } else {
        problems.push(`${keyOf(issue.path)}: ${issue.message}`);
      }
    }
    throw configError(source, problems);
  }
  const raw = result.data;
  const sentinels = raw.sentinel.addresses.map((a) => parseHostPort(a)!);
  // The same Sentinel twice would count as two votes in every majority (issue 15): refused in any spelling.
  const sentinelAt = new Map<string, number>();
  sentinels.forEach((s, i) => {
    const k = `${sentinelIdentity(s.host)} ${s.port}`;
    const j = sentinelAt.get(k);
    if (j === undefined) sentinelAt.set(k, i);
    else problems.push(`sentinel.addresses.${i}: ${raw.sentinel.addresses[i]} is the same Sentinel as sentinel.addresses.${j} (${raw.sentinel.addresses[j]}); list each Sentinel once (twice, it would count as two votes)`);
  });
  const masters = new Map<string, MasterConfig>();
  const vipOwner = new Map<string, string>();
  for (const [name, m] of Object.entries(raw.masters)) {
    const vip = parseCidr(m.vip)!;
    const key = `masters.${name}.vip`;
    if (vip.family === 6) {
      const why = vip6Refusal(vip.address);
      if (why) problems.push(`${key}: ${vip.address} is ${why}; an IPv6 VIP must be a unique local (fc00::/7) or global unicast address`);
    }
    if (isNetworkOrBroadcast(vip)) problems.push(`${key}: ${vip.address} is the network or broadcast address of /${vip.prefix}`);
    const node = sentinels.find((s) => s.host === vip.address);
    if (node) problems.push(`${key}: ${vip.address} is a node address (sentinel.addresses has ${node.host}:${node.port}); the VIP must be an address no host owns`);
    const other = vipOwner.get(vip.address);
    if (other !== undefined) problems.push(`${key}: ${vip.address} is also the VIP of master ${other}`);
    vipOwner.set(vip.address, name);
    const notify = notifyFor(raw.notify, m.notify, name, problems);
    masters.set(name, { name, vip, ...(m.interface ? { interface: m.interface } : {}), ...(notify ? { notify } : {}) });
  }
  for (const k of ['onBind', 'onUnbind'] as const) checkNotifyArgv(raw.notify[k], `notify.${k}`, problems);
  // The environment's overrides obey the same rule as the keys they override.
  if (env.VIPCTL_RUN_DIR && !env.VIPCTL_RUN_DIR.startsWith('/')) problems.push(`runDir: $VIPCTL_RUN_DIR ${JSON.stringify(env.VIPCTL_RUN_DIR)} ${ABSOLUTE_PATH_MESSAGE}`);
  if (env.VIPCTL_LOG_FILE && !env.VIPCTL_LOG_FILE.startsWith('/')) problems.push(`log.file: $VIPCTL_LOG_FILE ${JSON.stringify(env.VIPCTL_LOG_FILE)} ${ABSOLUTE_PATH_MESSAGE}`);
  for (const side of ['sentinel', 'redis'] as const) {
    const tls = raw[side].tls;
    if (tls && (tls.cert === undefined) !== (tls.key === undefined)) problems.push(`${side}.tls.${tls.cert === undefined ? 'cert' : 'key'}: required with ${side}.tls.${tls.cert === undefined ? 'key' : 'cert'} (a client certificate needs its key, and the key its certificate)`);
  }
  if (problems.length > 0) throw configError(source, problems);

  const password = env.VIPCTL_SENTINEL_PASSWORD || raw.sentinel.password;
  const redisPassword = env.VIPCTL_REDIS_PASSWORD || raw.redis.password;
  return {
    sentinel: {
      addresses: sentinels,
      ...(password ? { password } : {}),
      ...(raw.sentinel.username ? { username: raw.sentinel.username } : {}),
      ...(raw.sentinel.tls ? { tls: raw.sentinel.tls } : {}),
      ...(raw.sentinel.serviceUser ? { serviceUser: raw.sentinel.serviceUser } : {}),
    },
    masters,
    announce: raw.announce,
    log: { ...raw.log, file: env.VIPCTL_LOG_FILE !== undefined ? env.VIPCTL_LOG_FILE || null : raw.log.file },
    runDir: env.VIPCTL_RUN_DIR || raw.runDir,
    lockTimeoutMs: raw.lockTimeoutMs,
    redis: { ...(redisPassword ? { password: redisPassword } : {}), ...(raw.redis.username ? { username: raw.redis.username } : {}), ...(raw.redis.tls ? { tls: raw.redis.tls } : {}), ...(raw.redis.serviceUser ? { serviceUser: raw.redis.serviceUser } : {}) },
    watch: raw.watch,
    metrics: raw.metrics ? { listen: parseHostPort(raw.metrics.listen)! } : null,
  };
}

/** A master's notify commands: its own per key (null: none), else the global ones; its own are checked here. */
function notifyFor(global: RawConfig['notify'], own: RawConfig['masters'][string]['notify'], name: string, problems: string[]): NotifyCommands | undefined {
  const out: NotifyCommands = { timeoutMs: global.timeoutMs };
  for (const k of ['onBind', 'onUnbind'] as const) {
    const mine = own?.[k];
    if (mine !== undefined && mine !== null) checkNotifyArgv(mine, `masters.${name}.notify.${k}`, problems);
    const argv = mine === undefined ? global[k] : mine;
    if (argv) out[k] = argv;
  }
  return out.onBind || out.onUnbind ? out : undefined;
}

function checkNotifyArgv(argv: readonly string[] | undefined, key: string, problems: string[]): void {
  if (argv === undefined) return;
  for (const [i, why] of notifyArgvProblems(argv)) problems.push(`${key}${i === '' ? '' : `.${i}`}: ${why}`);
}

/** Why an IPv6 address cannot be a VIP, or null. */
export function vip6Refusal(address: string): string | null {
  if (address.toLowerCase().startsWith('::ffff:')) return 'an IPv4-mapped address (write the IPv4 VIP as such)';
  return nonHostAddressKind(address);
}

function configError(source: string, problems: string[]): VipctlError {
  const first = problems[0]!.split(':')[0];
  return new VipctlError('CONFIG', `${source}: ${problems.length} problem(s): ${problems.join('; ')}`, {
    key: first,
    problems,
  });
}

/** The master a command is about: the named one, or the only one. */
export function pickMaster(config: Config, name: string | undefined): MasterConfig {
  if (name === undefined) {
    if (config.masters.size === 1) return [...config.masters.values()][0]!;
    throw new VipctlError('USAGE', `name a master: the config has ${config.masters.size} (${[...config.masters.keys()].join(', ')})`);
  }
  const m = config.masters.get(name);
  if (!m) throw new VipctlError('UNKNOWN_MASTER', `unknown master "${name}": the config has ${[...config.masters.keys()].join(', ')}`, { key: 'master' });
  return m;
}

/** One spelling per Sentinel host: an IPv4-mapped IPv6 address as its IPv4 address, a host name in lower case without a final dot. */
function sentinelIdentity(host: string): string {
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const [hi, lo] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return host.toLowerCase().replace(/\.$/, '');
}
