/**
 * `vipctl doctor`: can this host do the job? One line per check (pass, warn,
 * fail) and the fix for each problem. Read-only. Exit 1 on any failure.
 */
import type { Config } from '../core/config';
import { doctorExitCode, formatDoctor, type SentinelReply } from '../core/doctor';
import type { Link } from '../core/local';
import { useColour } from '../core/table';
import { configPath, loadConfig } from '../adapters/config-file';
import { vipctlBin } from '../adapters/host';
import { inSea } from '../adapters/sea';
import { HOOK_SOCKET, ourHookScripts } from '../core/local-hook';
import { readLinks } from '../adapters/ip';
import { sentinelMaster } from '../adapters/redis-client';
import { CHECKS, type DoctorContext } from '../doctor/checks';
import { systemHost } from '../doctor/host';

export async function doctorContext(explicitConfig: string | undefined): Promise<DoctorContext> {
  let config: Config | null = null;
  let configError: string | null = null;
  try {
    config = loadConfig(explicitConfig);
  } catch (e) {
    configError = (e as Error).message;
  }
  let links: Link[] | null = null;
  let linksError: string | null = null;
  try {
    links = await readLinks();
  } catch (e) {
    linksError = (e as Error).message;
  }
  const ourBin = vipctlBin();
  const replies = new Map<string, Promise<SentinelReply>>();
  return {
    configPath: configPath(explicitConfig),
    config,
    configError,
    links,
    linksError,
    ourBin,
    ours: ourHookScripts(ourBin, inSea()),
    hookSocket: process.env.VIPCTL_HOOK_SOCKET || HOOK_SOCKET,
    host: systemHost,
    sentinelReply(s, master) {
      const key = `${s.host}:${s.port}/${master}`;
      let p = replies.get(key);
      if (!p) {
        p = (config ? sentinelMaster(config, s, master) : Promise.resolve({ ok: false as const, error: 'no config' })).then((r): SentinelReply => (r.ok ? { ok: true, fields: r.value } : { ok: false, error: r.error }));
        replies.set(key, p);
      }
      return p;
    },
  };
}

export async function doctorCommand(explicitConfig: string | undefined): Promise<number> {
  const ctx = await doctorContext(explicitConfig);
  const results = (await Promise.all(CHECKS.map((check) => check(ctx)))).flat();
  process.stdout.write(`${formatDoctor(results, useColour(process.stdout.isTTY === true, process.env)).join('\n')}\n`);
  return doctorExitCode(results);
}
