/**
 * The config file's schema and validation. Pure: takes the parsed YAML
 * document and the environment, returns a typed config or throws one
 * VipctlError listing every problem at once (key and reason for each).
 */
import { z } from 'zod';
import { isNetworkOrBroadcast, parseCidr, parseHostPort, type Cidr, type HostPort } from './address';
import { VipctlError } from './errors';

export const DEFAULT_CONFIG_PATH = '/etc/vipctl/vipctl.yaml';

const hostPort = z.string().refine((s) => parseHostPort(s) !== null, {
  message: 'must be host:port (IPv6 as [addr]:port), port 1-65535',
});
const cidr = z.string().refine((s) => parseCidr(s) !== null, {
  message: 'must be an address in CIDR form, e.g. 10.0.0.100/24',
});
// Linux interface names: 1-15 chars, no slash, no whitespace, not "." or "..".
const ifname = z.string().regex(/^(?!\.{1,2}$)[^/\s:]{1,15}$/, 'must be a Linux interface name (1-15 characters, no "/", ":" or spaces)');
// Sentinel master names: anything without whitespace or control characters.
const masterName = z.string().regex(/^[^\s\x00-\x1f\x7f]{1,128}$/, 'must be a Sentinel master name (no spaces)');

const schema = z.strictObject({
  sentinel: z.strictObject({
    addresses: z.array(hostPort).min(1, 'needs at least one Sentinel'),
    password: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
  }),
  masters: z
    .record(masterName, z.strictObject({ vip: cidr, interface: ifname.optional() }))
    .refine((m) => Object.keys(m).length > 0, { message: 'needs at least one master' }),
  announce: z
    .strictObject({
      count: z.int().min(0).max(100).default(5),
      // arping takes whole seconds for its interval.
      intervalSeconds: z.int().min(1).max(60).default(1),
      mode: z.enum(['request', 'reply']).default('request'),
    })
    .prefault({}),
  log: z
    .strictObject({
      file: z.string().min(1).nullable().default('/var/log/vipctl/vipctl.log'),
      level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    })
    .prefault({}),
  runDir: z.string().min(1).default('/run/vipctl'),
  lockTimeoutMs: z.int().min(0).max(55_000).default(10_000),
});

export type RawConfig = z.infer<typeof schema>;

export interface MasterConfig {
  name: string;
  vip: Cidr;
  /** Configured interface; undefined means autodetect from the VIP's subnet. */
  interface?: string;
}

export interface Config {
  sentinel: { addresses: HostPort[]; password?: string; username?: string };
  masters: Map<string, MasterConfig>;
  announce: RawConfig['announce'];
  log: RawConfig['log'];
  runDir: string;
  lockTimeoutMs: number;
}

/** Environment variables that override config keys (documented in the README). */
export interface ConfigEnv {
  [name: string]: string | undefined;
  VIPCTL_SENTINEL_PASSWORD?: string;
  VIPCTL_LOG_FILE?: string;
  VIPCTL_RUN_DIR?: string;
}

function keyOf(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(top level)';
}

/** Validate a parsed YAML document. `source` names the file in messages. */
export function validateConfig(doc: unknown, env: ConfigEnv = {}, source = 'config'): Config {
  // reportInput: without it zod 4 leaves `issue.input` unset on every issue,
  // and a present-but-wrong value (`count: 1.5`, `vip: 5`) would read "required".
  const result = schema.safeParse(doc ?? {}, { reportInput: true });
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
  const masters = new Map<string, MasterConfig>();
  const vipOwner = new Map<string, string>();
  for (const [name, m] of Object.entries(raw.masters)) {
    const vip = parseCidr(m.vip)!;
    const key = `masters.${name}.vip`;
    if (vip.family === 6) problems.push(`${key}: IPv6 VIPs are not supported yet (${m.vip})`);
    if (isNetworkOrBroadcast(vip)) problems.push(`${key}: ${vip.address} is the network or broadcast address of /${vip.prefix}`);
    const node = sentinels.find((s) => s.host === vip.address);
    if (node) problems.push(`${key}: ${vip.address} is a node address (sentinel.addresses has ${node.host}:${node.port}); the VIP must be an address no host owns`);
    const other = vipOwner.get(vip.address);
    if (other !== undefined) problems.push(`${key}: ${vip.address} is also the VIP of master ${other}`);
    vipOwner.set(vip.address, name);
    masters.set(name, { name, vip, ...(m.interface ? { interface: m.interface } : {}) });
  }
  if (problems.length > 0) throw configError(source, problems);

  const password = env.VIPCTL_SENTINEL_PASSWORD || raw.sentinel.password;
  return {
    sentinel: {
      addresses: sentinels,
      ...(password ? { password } : {}),
      ...(raw.sentinel.username ? { username: raw.sentinel.username } : {}),
    },
    masters,
    announce: raw.announce,
    log: { ...raw.log, file: env.VIPCTL_LOG_FILE !== undefined ? env.VIPCTL_LOG_FILE || null : raw.log.file },
    runDir: env.VIPCTL_RUN_DIR || raw.runDir,
    lockTimeoutMs: raw.lockTimeoutMs,
  };
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
