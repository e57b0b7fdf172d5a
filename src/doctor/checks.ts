/**
 * The checks of `vipctl doctor`, one small function each: gather with an
 * adapter, judge with src/core/doctor.ts. To add a check, write one function
 * `(ctx) => Promise<CheckResult[]>` and append it to CHECKS.
 */
import type { Config, MasterConfig } from '../core/config';
import {
  DEFAULT_SENTINEL_PATH,
  fail,
  judgeArping,
  judgeHook,
  judgeInterfaces,
  judgeIpv6Tool,
  judgeIp,
  judgeRedisListen,
  judgeSentinel,
  judgeWritable,
  bindAddresses,
  listenAddresses,
  pass,
  warn,
  type CheckResult,
  type SentinelReply,
} from '../core/doctor';
import { resolveInterface, segmentAddresses, type Link } from '../core/local';
import { localRedisTarget } from '../core/local-redis';
import { joinHostPort } from '../core/sentinel-view';
import { findOnPath, listeningSockets, realpathOrNull, writableError } from '../adapters/host';
import { configGet, role } from '../adapters/redis-client';
import { run } from '../adapters/run';
import { createHash } from 'node:crypto';
import { lstatSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { sharedUseProblem } from '../core/path-trust';
import { directoryProblem } from '../adapters/safe-fs';
import { currentTrust } from '../adapters/trust';
import { judgeSentinelUnit, SENTINEL_UNIT, UNIT_PROPERTIES, type HookNeeds } from '../core/sentinel-unit';
import { PACKAGED_HOOK } from '../core/local-hook';
import { resolveTool } from '../adapters/system';
import { PACKAGED_ADDON } from '../adapters/flock';
import { inSea } from '../adapters/sea';
import { judgeAcl } from '../core/acl';
import { loadTls } from '../adapters/connection';
import { probeSentinelAcl } from '../adapters/sentinel-acl';
import type { DoctorHost } from './host';
import { checkMode, checkOwnCaps, checkSentinelEnvironment, checkWatcher, doctorMode, forHook } from './mode';
import { checkHostNames } from './names';
import { checkArpSysctls, checkNonlocalBind, checkSelinux } from './net';
import { checkSegment } from './segment';
import { checkConflict } from './conflict';

export interface DoctorContext {
  configPath: string;
  /** null when the config could not be loaded (configError says why). */
  config: Config | null;
  configError: string | null;
  links: Link[] | null;
  linksError: string | null;
  /** realpath of this vipctl's bin/vipctl (the package: /usr/bin/vipctl). */
  ourBin: string;
  /** The client-reconfig-scripts that are this vipctl, the one to suggest first (core/local-hook ourHookScripts). */
  ours: readonly string[];
  /** Where the package's hook helper would listen ($VIPCTL_HOOK_SOCKET or /run/vipctl-hook/hook.sock). */
  hookSocket: string;
  /** SENTINEL MASTER replies, asked once per (sentinel, master) and shared by the checks. */
  sentinelReply(sentinel: { host: string; port: number }, master: string): Promise<SentinelReply>;
  /** This host's processes and sockets as this user can see them (./host.ts; fakes in tests). */
  host: DoctorHost;
}

export type Check = (ctx: DoctorContext) => Promise<CheckResult[]>;

export async function checkTools(ctx?: Pick<DoctorContext, 'config'>): Promise<CheckResult[]> {
  const vips6 = ctx?.config ? [...ctx.config.masters.values()].filter((m) => m.vip.family === 6).map((m) => m.vip.address) : [];
  const [ip, arping, ndptool, ndisc6] = await Promise.all([
    run(['ip', '-V']),
    run(['arping', '-V']),
    vips6.length ? run(['ndptool', '-h']) : null,
    vips6.length ? run(['ndisc6', '-V']) : null,
  ]);
  const ipv6 = ([['ndptool', ndptool], ['ndisc6', ndisc6]] as const).flatMap(([tool, r]) =>
    r ? [judgeIpv6Tool(tool, r.exitCode === 0 && !r.failedToStart, r.failedToStart ?? `${r.stdout}\n${r.stderr}`.trim(), vips6)] : [],
  );
  return [
    judgeIp(ip.exitCode === 0 && !ip.failedToStart, ip.failedToStart ?? (ip.stdout || ip.stderr)),
    // iputils arping -V exits 0 and prints "arping from iputils ..."
    judgeArping(arping.exitCode === 0 && !arping.failedToStart, arping.failedToStart ?? `${arping.stdout}\n${arping.stderr}`.trim()),
    ...ipv6,
  ];
}

export async function checkConfig(ctx: DoctorContext): Promise<CheckResult[]> {
  if (ctx.config) return [pass('config', `${ctx.configPath}: valid, ${ctx.config.masters.size} master(s), ${ctx.config.sentinel.addresses.length} Sentinel(s)`)];
  return [fail('config', ctx.configError ?? 'not loaded', `fix the file (vipctl.yaml.example lists every key), or point --config / $VIPCTL_CONFIG at the right one`)];
}

export async function checkInterfaces(ctx: DoctorContext): Promise<CheckResult[]> {
  if (!ctx.config) return [];
  if (!ctx.links) return [fail('interfaces', `cannot list interfaces: ${ctx.linksError}`, 'install iproute2')];
  return judgeInterfaces(ctx.config.masters.values(), ctx.links);
}

export async function checkSentinels(ctx: DoctorContext): Promise<CheckResult[]> {
  const config = ctx.config;
  if (!config) return [];
  const pid = ctx.host.watchPid(config.runDir);
  const pairs = config.sentinel.addresses.flatMap((s) => [...config.masters.keys()].map((m) => ({ s, m })));
  const results = await Promise.all(
    pairs.map(async ({ s, m }) => {
      const name = joinHostPort(s.host, s.port);
      const reply = await ctx.sentinelReply(s, m);
      const out = [judgeSentinel(name, m, reply)];
      if (reply.ok) {
        const script = reply.fields['client-reconfig-script'] || null;
        out.push(judgeHook(name, m, { script, scriptReal: script ? realpathOrNull(script) : null, ours: ctx.ours, watchPid: pid }));
      }
      return out;
    }),
  );
  return results.flat();
}

/** The master's address as the first Sentinel that answers reports it (its port is this host's Redis port too). */
export async function sentinelsMasterAddress(ctx: DoctorContext, config: Config, name: string): Promise<{ ip: string; port: number } | null> {
  for (const s of config.sentinel.addresses) {
    const answer = await ctx.sentinelReply(s, name);
    if (answer.ok) return { ip: answer.fields.ip ?? '', port: Number(answer.fields.port) };
  }
  return null;
}

/** Addresses on the interface the VIP goes on (empty when there is none here). */
function vipInterfaceAddresses(m: MasterConfig, links: readonly Link[]): string[] {
  try {
    const ifname = resolveInterface(m, links);
    return links.find((l) => l.ifname === ifname)?.addresses.map((a) => a.address) ?? [];
  } catch {
    return [];
  }
}

/** This host's Redis answers ROLE with the config's credentials and listens where the VIP will be (ss -ltnH, else CONFIG GET bind). */
export async function checkLocalRedis(ctx: DoctorContext): Promise<CheckResult[]> {
  const config = ctx.config;
  const links = ctx.links;
  if (!config || !links) return [];
  const vips = [...config.masters.values()].map((m) => m.vip.address);
  const ss = await listeningSockets(false);
  const out: CheckResult[] = [];
  for (const m of config.masters.values()) {
    const local = segmentAddresses(m, links, vips);
    const at = await sentinelsMasterAddress(ctx, config, m.name);
    if (at === null) {
      out.push(warn(`redis (${m.name})`, "no Sentinel gave the master's port, so this host's Redis was not checked", 'fix the Sentinel checks above'));
      continue;
    }
    const listening = ss === null ? null : listenAddresses(ss, at.port);
    if (listening !== null && listening.length === 0) {
      out.push(judgeRedisListen(at.port, m.vip.address, listening)); // nothing here: a Sentinel-only host
      continue;
    }
    // Ask it where it listens: a specific local address it is bound to, else an address on the VIP's interface.
    const target = localRedisTarget(joinHostPort(at.ip, at.port), [], local, [...(listening ?? []).filter((a) => local.has(a)), ...vipInterfaceAddresses(m, links)]);
    if (target === null) {
      out.push(warn(`redis (${m.name})`, 'this host has no address to reach its Redis on', 'check the interfaces'));
      continue;
    }
    const r = await role(config, target);
    out.push(
      r.ok
        ? pass(`redis ${target.text} (${m.name})`, `answers ROLE: ${r.value}`)
        : fail(`redis ${target.text} (${m.name})`, `ROLE failed: ${r.error}`, /the socket belongs to/.test(r.error) ? 'find who listens there (ss -ltnp); if it is the real redis-server, set redis.serviceUser to the user it runs as' : /NOAUTH|WRONGPASS|AUTH/i.test(r.error) ? 'set redis.password (or $VIPCTL_REDIS_PASSWORD) and redis.username' : 'check that redis-server runs and accepts connections on that address'),
    );
    if (listening !== null) {
      out.push(judgeRedisListen(at.port, m.vip.address, listening));
      continue;
    }
    const bind = await configGet(config, target, 'bind');
    out.push(
      bind.ok
        ? judgeRedisListen(at.port, m.vip.address, bindAddresses(bind.value))
        : warn(`redis listens on the VIP (:${at.port})`, `cannot tell: ss failed and CONFIG GET bind said ${bind.error}`, 'install iproute2 (ss), or allow CONFIG GET for this user'),
    );
  }
  return out;
}

export async function checkWritable(ctx: DoctorContext): Promise<CheckResult[]> {
  if (!ctx.config) return [];
  const dirs: [string, string, string][] = [['run dir', ctx.config.runDir, ctx.config.runDir]];
  if (ctx.config.log.file) dirs.unshift(['log file', ctx.config.log.file, dirname(ctx.config.log.file)]);
  return dirs.map(([what, path, dir]) => {
    // the same rule every command applies (safe-fs, core/path-trust): a dir doctor passes is one root, the watcher and the hook can use
    const st = lstatOrNull(dir);
    const unsafe = st ? directoryProblem(dir, st) : null;
    if (unsafe) return fail(what, `${unsafe.path}: ${unsafe.problem}`, unsafe.fix);
    const judged = judgeWritable(what, path, writableError(path));
    const shared = st && judged.status === 'pass' ? sharedUseProblem(dir, st, currentTrust()) : null;
    return shared ? warn(what, `${path} is writable by this user, but ${dir}: ${shared.problem}`, shared.fix) : judged;
  });
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/** The TLS files the config names can be read and are PEM (they are read when a command connects, so only here before then). */
export async function checkTlsFiles(ctx: DoctorContext): Promise<CheckResult[]> {
  const config = ctx.config;
  if (!config || (!config.sentinel.tls && !config.redis.tls)) return [];
  const sides = ['sentinel', 'redis'].filter((s) => config[s as 'sentinel' | 'redis'].tls).map((s) => `${s}.tls`);
  try {
    loadTls(config);
    return [pass('tls files', `${sides.join(', ')}: every file named reads as PEM`)];
  } catch (e) {
    return [fail('tls files', (e as Error).message, 'point the key at a readable PEM file (root reads it; the user Sentinel runs the hook as does not need it)')];
  }
}

/** The config's Sentinel user may run every command and read every channel vipctl uses (tried on each Sentinel, NOPERM reported by rule). */
export async function checkSentinelAcl(ctx: DoctorContext): Promise<CheckResult[]> {
  const config = ctx.config;
  if (!config) return [];
  const master = [...config.masters.keys()][0]!;
  const password = config.sentinel.password;
  const passwordRule = password ? `#${createHash('sha256').update(password).digest('hex')}` : '>CHOOSE-A-PASSWORD';
  const results = await Promise.all(
    config.sentinel.addresses.map(async (s) => {
      const r = await probeSentinelAcl(config, s, master);
      // unreachable or refused: the sentinel check above says why
      return r.ok ? [judgeAcl(joinHostPort(s.host, s.port), config.sentinel.username, passwordRule, r.value)] : [];
    }),
  );
  return results.flat();
}

/** Debian's redis-sentinel.service (where systemd runs) lets the hook run: exec paths, capabilities, JIT, sockets, system calls, writable dirs; the relayed package hook needs only exec and Node's own. Only where it runs the hook. */
export const checkSentinelUnit = forHook(async (ctx: DoctorContext): Promise<CheckResult[]> => {
  const { mode } = (await doctorMode(ctx))!;
  const tool = (name: string): string[] => {
    try {
      return [resolveTool(name)];
    } catch {
      return []; // the ip/arping checks say so
    }
  };
  const node = findOnPath('node', DEFAULT_SENTINEL_PATH);
  // the packaged vipctl: the hook executable and the lock addon beside it; the git tree: env, node and the tree
  const own = inSea() ? [PACKAGED_HOOK, process.execPath, dirname(PACKAGED_ADDON)] : ['/usr/bin/env', ...(node ? [node] : []), dirname(dirname(ctx.ourBin))];
  // relayed: Sentinel executes vipctl-hook, which connects to the helper's socket and writes nothing
  const needs: HookNeeds = mode.relayed
    ? { execs: [PACKAGED_HOOK], writes: [], relayed: true }
    : { execs: [...own, ...tool('ip'), ...tool('arping')], writes: ctx.config ? [...(ctx.config.log.file ? [dirname(ctx.config.log.file)] : []), ctx.config.runDir] : [] };
  const r = await run(['systemctl', 'show', SENTINEL_UNIT, '-p', UNIT_PROPERTIES.join(',')]);
  const show = r.exitCode === 0 && !r.failedToStart ? { ok: true as const, text: r.stdout } : { ok: false as const, error: r.failedToStart ?? (r.stderr.trim().split('\n')[0] || `exit ${r.exitCode}`) };
  return [judgeSentinelUnit(show, needs)];
});

/** Every check, in the order printed. */
export const CHECKS: readonly Check[] = [checkTools, checkOwnCaps, checkConfig, checkTlsFiles, checkInterfaces, checkSentinels, checkMode, checkWatcher, checkHostNames, checkSegment, checkSentinelAcl, checkSentinelEnvironment, checkSentinelUnit, checkLocalRedis, checkNonlocalBind, checkArpSysctls, checkSelinux, checkWritable, checkConflict];
