/**
 * `vipctl doctor`: the pure judging parts. Each judge takes what an adapter
 * read (command output, /proc text, a Sentinel reply) and returns one
 * CheckResult; the I/O lives in src/doctor/checks.ts.
 */
import { splitHostPort, type HostPort } from './host-port';
import { inSubnet, ipFamily, joinHostPort } from './address';
import type { MasterConfig } from './config';
import { resolveInterface, type Link } from './local';
import { clean, formatTable, paint } from './table';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  /** Short name, e.g. `arping`, `sentinel 10.0.0.11:26379 mymaster`. */
  check: string;
  status: CheckStatus;
  detail: string;
  /** How to fix it; set for every warn and fail. */
  fix?: string;
  /** Something to keep (printed under the line), e.g. the ACL user line. */
  note?: string;
}

export const pass = (check: string, detail: string): CheckResult => ({ check, status: 'pass', detail });
export const warn = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'warn', detail, fix });
export const fail = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'fail', detail, fix });

/** `ip -V` ran (exit 0) or not. */
export function judgeIp(ran: boolean, output: string): CheckResult {
  return ran
    ? pass('ip', output.split('\n')[0]!.trim())
    : fail('ip', `cannot run ip: ${output || 'not found'}`, 'apt-get install iproute2');
}

/** iputils arping (what vipctl's flags are for), not Thomas Habets' arping, which reads -U, -A, -D, -I differently. */
export function judgeArping(ran: boolean, versionOutput: string): CheckResult {
  const first = versionOutput.split('\n')[0]!.trim();
  if (!ran) return fail('arping', `cannot run arping: ${first || 'not found'}`, 'apt-get install iputils-arping');
  if (/iputils/i.test(versionOutput)) return pass('arping', first);
  return fail('arping', `arping is not iputils' (${first || 'no version output'}): its flags differ`, 'apt-get install iputils-arping (it replaces the "arping" package)');
}

/** The IPv6 tools (needed only when a VIP is IPv6): ndptool announces, ndisc6 probes for a duplicate. */
export function judgeIpv6Tool(tool: 'ndptool' | 'ndisc6', ran: boolean, output: string, vips: readonly string[]): CheckResult {
  const pkg = tool === 'ndptool' ? 'libndp-tools' : 'ndisc6';
  const job = tool === 'ndptool' ? 'announces' : 'probes for a duplicate of';
  const first = output.split('\n')[0]!.trim();
  if (!ran) return fail(tool, `cannot run ${tool} (it ${job} the IPv6 VIP ${vips.join(', ')}): ${first || 'not found'}`, `apt-get install ${pkg}`);
  return pass(tool, `${tool} runs (${pkg}; it ${job} the IPv6 VIP ${vips.join(', ')})`);
}

export const CAP_NET_ADMIN = 12;
export const CAP_NET_RAW = 13;

/** Parse the CapEff line of /proc/PID/status; null when absent. */
export function capEff(procStatus: string): bigint | null {
  const m = /^CapEff:\s*([0-9a-f]+)\s*$/im.exec(procStatus);
  return m ? BigInt(`0x${m[1]}`) : null;
}

/** CAP_NET_ADMIN (ip addr) and CAP_NET_RAW (arping) in the effective set of `who`. */
export function judgeCaps(who: string, procStatus: string | null, fix: string): CheckResult {
  const check = `capabilities (${who})`;
  const eff = procStatus === null ? null : capEff(procStatus);
  if (eff === null) return fail(check, 'cannot read CapEff', fix);
  const missing = [
    [CAP_NET_ADMIN, 'CAP_NET_ADMIN'],
    [CAP_NET_RAW, 'CAP_NET_RAW'],
  ].filter(([bit]) => (eff & (1n << BigInt(bit as number))) === 0n).map(([, name]) => name as string);
  return missing.length === 0 ? pass(check, 'CAP_NET_ADMIN and CAP_NET_RAW effective') : fail(check, `missing ${missing.join(' and ')}`, fix);
}

/** The master's interface exists, is up, and has an address (not the VIP) whose subnet holds the VIP. */
export function judgeInterface(master: string, vip: string, ifname: string, links: readonly Link[]): CheckResult[] {
  const check = `interface ${ifname} (${master})`;
  const link = links.find((l) => l.ifname === ifname);
  if (!link) return [fail(check, 'does not exist on this host', `set masters.${master}.interface to an interface of this host`)];
  const out: CheckResult[] = [link.up ? pass(check, 'exists and is up') : fail(check, 'is down (needs UP and LOWER_UP)', `ip link set ${ifname} up, and check its cable/peer`)];
  const family = ipFamily(vip) ?? 4;
  const own = link.addresses.filter((a) => a.address !== vip && a.family === family);
  const holder = own.find((a) => inSubnet(vip, a.address, a.prefix));
  out.push(
    holder
      ? pass(`VIP subnet (${master})`, `${vip} is inside ${holder.address}/${holder.prefix} on ${ifname}`)
      : fail(`VIP subnet (${master})`, `${vip} is in no subnet of ${ifname} (${own.map((a) => `${a.address}/${a.prefix}`).join(', ') || `no IPv${family} address`}): neighbours would not reach it`, `use a VIP from ${ifname}'s subnet, or set masters.${master}.interface`),
  );
  return out;
}

/** Every master's interface on this host (configured, or autodetected from the VIP's subnet), judged: doctor and `config check`. */
export function judgeInterfaces(masters: Iterable<MasterConfig>, links: readonly Link[]): CheckResult[] {
  const out: CheckResult[] = [];
  for (const m of masters) {
    let ifname: string;
    try {
      ifname = resolveInterface(m, links);
    } catch (e) {
      out.push(fail(`interface (${m.name})`, (e as Error).message, `set masters.${m.name}.interface to the interface that carries ${m.vip.address}'s subnet`));
      continue;
    }
    out.push(...judgeInterface(m.name, m.vip.address, ifname, links));
  }
  return out;
}

/** SENTINEL MASTER <name> as a field map, or the error it gave. */
export type SentinelReply = { ok: true; fields: Record<string, string> } | { ok: false; error: string };

/** Sentinel reachable, authenticated, monitoring the master (from its SENTINEL MASTER reply or the error). */
export function judgeSentinel(sentinel: string, master: string, reply: SentinelReply): CheckResult {
  const check = `sentinel ${sentinel} (${master})`;
  if (reply.ok) return pass(check, `reachable, monitors ${master} at ${joinHostPort(reply.fields.ip ?? '?', reply.fields.port ?? '?')} (flags ${reply.fields.flags ?? '?'})`);
  const e = reply.error;
  if (/no such master/i.test(e)) return fail(check, `reachable but does not monitor ${master}`, `sentinel monitor ${master} <ip> <port> <quorum> in its sentinel.conf, or fix the name in the config`);
  // TLS failures come described (core/connection-error): what went wrong, then "; " and the fix
  if (/^TLS: /.test(e)) return fail(check, e.slice(0, e.lastIndexOf('; ')), e.slice(e.lastIndexOf('; ') + 2));
  if (/^sentinel\.tls\./.test(e)) return fail(check, e, 'fix the file the key names (see the tls files check)');
  if (/NOAUTH|WRONGPASS|invalid password|invalid username|AUTH/i.test(e)) return fail(check, `authentication failed: ${e}`, 'set sentinel.password (or $VIPCTL_SENTINEL_PASSWORD) and sentinel.username to what Sentinel expects');
  return fail(check, `unreachable: ${e}`, `start that Sentinel, or fix sentinel.addresses; check the firewall for its port`);
}

export interface HookEvidence {
  /** client-reconfig-script as Sentinel reports it, or null when none is set. */
  script: string | null;
  /** realpath of that script on this host, when it exists here. */
  scriptReal: string | null;
  /** The scripts that are this vipctl (core/local-hook ourHookScripts), the one to suggest first. */
  ours: readonly string[];
  /** pid of a running `vipctl watch`, or null. */
  watchPid: number | null;
}

/** Something moves the VIP on a failover: Sentinel's hook points at this vipctl, or `vipctl watch` runs here. */
export function judgeHook(sentinel: string, master: string, e: HookEvidence): CheckResult {
  const check = `failover hook ${sentinel} (${master})`;
  const hooked = e.script !== null && (e.ours.includes(e.script) || (e.scriptReal !== null && e.ours.includes(e.scriptReal)));
  if (hooked) return pass(check, `client-reconfig-script is ${e.script}`);
  if (e.watchPid !== null) return pass(check, `vipctl watch runs here (pid ${e.watchPid})${e.script ? `; client-reconfig-script is ${e.script}` : ''}`);
  const fix = `in that Sentinel's sentinel.conf: sentinel client-reconfig-script ${master} ${e.ours[0]}, then restart it (SENTINEL SET refuses to change scripts while deny-scripts-reconfig is yes, Sentinel's default); or run vipctl watch`;
  return e.script === null
    ? fail(check, 'no client-reconfig-script and no vipctl watch running: nothing moves the VIP on a failover', fix)
    : fail(check, `client-reconfig-script is ${e.script}, not this vipctl (${e.ours.join(' or ')})`, fix);
}

export const DEFAULT_SENTINEL_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** `node --version` output (v20.11.1) found on Sentinel's PATH, or null when no node is there. */
export function judgeNode(pathSource: string, nodePath: string | null, version: string | null): CheckResult {
  const check = 'node on Sentinel\'s PATH';
  const fix = 'install Node.js >= 20 where Sentinel\'s PATH finds it (e.g. /usr/bin/node), or set Environment=PATH=... in redis-sentinel.service';
  if (nodePath === null) return fail(check, `no node on ${pathSource}: Sentinel's execve of bin/vipctl would fail with 127, which it never retries`, fix);
  const m = /^v(\d+)\./.exec(version ?? '');
  if (!m) return fail(check, `${nodePath} does not run (${version ?? 'no output'})`, fix);
  return Number(m[1]) >= 20 ? pass(check, `${nodePath} ${version}, found on ${pathSource}`) : fail(check, `${nodePath} is ${version}; vipctl needs >= 20`, fix);
}

/** Local addresses Redis listens on (from `ss -ltnH`); all-address listeners or the VIP mean it answers on the VIP. */
export function judgeRedisListen(port: number, vip: string, listening: readonly string[]): CheckResult {
  const check = `redis listens on the VIP (:${port})`;
  if (listening.length === 0) return warn(check, `nothing listens on port ${port} here`, 'fine on a Sentinel-only host; on a Redis host start redis-server');
  const all = listening.some((a) => a === '0.0.0.0' || a === '*' || a === '::' || a === '[::]');
  if (all || listening.includes(vip)) return pass(check, `listening on ${listening.join(', ')}`);
  return fail(check, `listening on ${listening.join(', ')} only: it will not answer on ${vip}`, `bind 0.0.0.0 in redis.conf (or add ${vip}), then restart redis`);
}

/**
 * Redis's `bind` setting (CONFIG GET bind) as listening addresses, for when ss
 * cannot say: `*` is every IPv4 address, `::*` every IPv6 one, a leading `-`
 * marks an optional address. An empty setting listens everywhere.
 */
export function bindAddresses(bind: string): string[] {
  const words = bind.trim().split(/\s+/).filter(Boolean).map((w) => w.replace(/^-/, ''));
  if (words.length === 0) return ['0.0.0.0', '::'];
  return words.map((w) => (w === '*' ? '0.0.0.0' : w === '::*' ? '::' : w));
}

/** The local address of one `ss -ltnH` line (its 4th column: `0.0.0.0:26379`, `[::]:6379`, `*:6379`, `0.0.0.0%eth0:6379`), without brackets or zone. */
function ssLocal(line: string): HostPort | null {
  const local = line.trim().split(/\s+/)[3];
  const hp = local ? splitHostPort(local) : null;
  return hp ? { host: hp.host.replace(/%.*$/, ''), port: hp.port } : null;
}

/** Parse `ss -ltnH` lines into the local addresses listening on `port`. */
export function listenAddresses(ssOutput: string, port: number): string[] {
  const out = ssOutput.split('\n').map(ssLocal).filter((hp): hp is HostPort => hp !== null && hp.port === port).map((hp) => hp.host);
  return [...new Set(out)];
}

/** Pid of the process listening on `port`, from `ss -ltnpH` (users:(("redis-sentinel",pid=123,fd=6))). */
export function listenerPid(ssOutput: string, port: number): number | null {
  for (const line of ssOutput.split('\n')) {
    if (ssLocal(line)?.port !== port) continue;
    const m = /pid=(\d+)/.exec(line);
    if (m) return Number(m[1]);
  }
  return null;
}

/** The log file or run dir can be written by this user (checked with access(2), nothing created). */
export function judgeWritable(what: string, path: string, error: string | null): CheckResult {
  return error === null ? pass(what, `${path} is writable`) : fail(what, `${path}: ${error}`, `make it the shared group's, usable by root, the watcher and the hook: install -d -o root -g vipctl -m 2770 DIR (DIR: ${what === 'log file' ? 'its directory' : 'the run dir'}; the service users are members of group vipctl), or set ${what === 'log file' ? 'log.file' : 'runDir'}`);
}

/** Exit code of doctor: 1 when any check failed. Warnings do not fail. */
export function doctorExitCode(results: readonly CheckResult[]): 0 | 1 {
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}

const COLOUR = { pass: 'green', warn: 'yellow', fail: 'red' } as const;

/** One line per check, and a `fix:` line under each warning and failure, then a summary. */
export function formatDoctor(results: readonly CheckResult[], colour = false): string[] {
  const rows = results.map((r) => [{ text: r.status.toUpperCase(), colour: COLOUR[r.status] }, r.check, r.detail]);
  const table = formatTable(['RESULT', 'CHECK', 'DETAIL'], rows, colour);
  const out: string[] = [table[0]!];
  results.forEach((r, i) => {
    out.push(table[i + 1]!);
    if (r.fix) out.push(`        fix: ${clean(r.fix)}`);
    if (r.note) out.push(`        note: ${clean(r.note)}`);
  });
  const n = (s: CheckStatus): number => results.filter((r) => r.status === s).length;
  out.push('', `${n('pass')} passed, ${n('warn')} warning(s), ${paint(`${n('fail')} failed`, n('fail') ? 'red' : undefined, colour)}`);
  return out;
}
