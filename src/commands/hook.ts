/**
 * `vipctl <7 args>` / `vipctl hook <7 args>`: Sentinel's client-reconfig-script.
 * If <to-ip> is an address of this host, bind and announce; otherwise make sure
 * the VIP is not here. Exit 0 done, 1 retry (Sentinel retries), 2 never retry.
 */
import { pickMaster, type Config, type MasterConfig } from '../core/config';
import { VipctlError } from '../core/errors';
import { joinHostPort } from '../core/host-port';
import { desiredFromHost, type Want } from '../core/desired';
import { parseHookArgs, type HookArgs } from '../core/hook-args';
import { nonHostAddressKind } from '../core/address';

/** Deadline of the resolution of a host name `<to-ip>` (Sentinel kills a script after 60 s and retries one that exits 1). */
const HOOK_RESOLVE_TIMEOUT_MS = 2000;
/**
 * The hook's one deadline, from its start: lock wait and every command
 * included (converge cuts each to fit), so that it exits 1 by itself, naming
 * what hung, well before Sentinel's SIGKILL at 60 s (which would leave no log line).
 */
export const HOOK_DEADLINE_MS = 50_000;
import { loadConfigFile } from '../adapters/config-file';
import { createLogger, logConfigWarnings, type Logger, type LogOptions } from '../adapters/log';
import { converge, type ConvergeDeps } from '../pass/converge';
import { logFailure } from '../pass/failure';

/** `deps`: the pass's adapters (the unit tests pass fakes). */
export async function hookCommand(args: readonly string[], options: { config?: string; deps?: Partial<ConvergeDeps> } = {}): Promise<number> {
  const started = performance.now();
  let parsed: HookArgs | undefined;
  let failure: unknown;
  try {
    parsed = parseHookArgs(args);
  } catch (e) {
    failure = e;
  }
  let config: Config | undefined;
  let warnings: string[] = [];
  try {
    ({ config, warnings } = loadConfigFile(options.config));
  } catch (e) {
    failure ??= e;
  }
  const logOptions: LogOptions = config ? config.log : { file: null, level: 'info' };
  const logger = lazyLogger(logOptions, { cmd: 'hook' });
  logConfigWarnings(logger, warnings);
  if (failure || !config || !parsed) return logFailure(logger, failure, { startedAt: started, extra: { args: [...args] } });

  const context = { role: parsed.role, from: joinHostPort(parsed.fromIp, parsed.fromPort), to: joinHostPort(parsed.toIp, parsed.toPort) };
  // the pass's first line comes after the `ip addr add`: the log file is opened and pino set up then, not before (~2 ms)
  const child = lazyLogger(logOptions, { cmd: 'hook', ...context });
  let master: MasterConfig | undefined;
  try {
    master = pickMaster(config, parsed.master);
    if (parsed.toIp === master.vip.address) {
      throw new VipctlError('USAGE', `to-ip ${parsed.toIp} is the VIP of ${master.name} itself: Redis must announce its own address, not the VIP (check replica-announce-ip)`, { key: 'to-ip' });
    }
    const toIp = parsed.toIp;
    const m = master;
    // A host name (announce-hostnames yes): resolved before the lock; only then is the resolver loaded.
    const addresses = parsed.toIsName ? await (await import('../adapters/resolve')).resolveName(toIp, HOOK_RESOLVE_TIMEOUT_MS) : null;
    if (parsed.toIsName) {
      if (addresses === null) throw new VipctlError('RESOLVE', `to-ip: host name ${toIp} does not resolve within ${HOOK_RESOLVE_TIMEOUT_MS} ms: nothing changed (Sentinel retries the hook)`, { key: 'to-ip' });
      const bad = addresses.find((a) => nonHostAddressKind(a) !== null);
      if (bad) throw new VipctlError('USAGE', `to-ip: host name ${toIp} resolves to ${bad}, ${nonHostAddressKind(bad)}, which names no single host (check /etc/hosts: Debian maps the host's own name to 127.0.1.1)`, { key: 'to-ip' });
      if (addresses.includes(master.vip.address)) throw new VipctlError('USAGE', `to-ip: host name ${toIp} resolves to the VIP of ${master.name} itself: the name must be the host's own`, { key: 'to-ip' });
    }
    const moved = `sentinel (${parsed.role}) moved ${m.name} to ${context.to}`;
    await converge({
      config,
      master: m,
      logger: child,
      announceWhenBound: true,
      // the links from the kernel's interface list where it is whole: no `ip -json addr show` before the add
      localLinks: true,
      deadline: started + HOOK_DEADLINE_MS,
      ...(options.deps ? { deps: options.deps } : {}),
      moved: () => ({ newMaster: context.to, oldMaster: context.from }),
      want: hookWant(toIp, addresses, moved),
    });
    return 0;
  } catch (e) {
    return logFailure(child, e, { master: master ?? parsed.master, startedAt: started });
  }
}

/**
 * The hook's want: the one rule (core/desired desiredFromHost) on <to-ip>, an
 * IP literal, or a host name with the addresses it resolved to (null: an IP).
 */
export function hookWant(toIp: string, addresses: readonly string[] | null, moved: string): (local: ReadonlySet<string>) => Want {
  const resolved = addresses ? new Map([[toIp, addresses]]) : undefined;
  return (local) => {
    const w = desiredFromHost(`to-ip ${toIp}`, toIp, local, resolved);
    return { ...w, reason: `${moved}: ${w.reason}` };
  };
}

/**
 * A logger made on first use (createLogger: the log file opened, pino set
 * up), with the same bindings in the same order as logger.child(bindings)
 * of a `{ cmd }` logger would give.
 */
export function lazyLogger(options: LogOptions, bindings: Record<string, unknown>, make: typeof createLogger = createLogger): Logger {
  let real: Logger | undefined;
  const get = (): Logger => (real ??= make(options, bindings).logger);
  return new Proxy({} as Logger, {
    get: (_t, key) => {
      const l = get();
      const v = Reflect.get(l, key, l) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(l) : v;
    },
  });
}
