/**
 * Does this host run the hook? The pieces status and doctor share: which
 * configured Sentinel is this host's own, and whether a Sentinel's
 * client-reconfig-script is this vipctl. Pure.
 */
import { normalizeIp, type HostPort } from './address';
import type { Config } from './config';

/** The package's hook executable (scripts/package.mjs): what sentinel.conf names with the package. */
export const PACKAGED_HOOK = '/usr/lib/vipctl/vipctl-hook';
/**
 * Where the package's hook helper listens (deploy/vipctl-hook.socket);
 * $VIPCTL_HOOK_SOCKET overrides it. With a socket there, PACKAGED_HOOK relays
 * its arguments to the helper and Sentinel needs no capability (src/hook-relay.ts).
 */
export const HOOK_SOCKET = '/run/vipctl-hook/hook.sock';

/** The first configured Sentinel whose host is one of `local` (this host's addresses). */
export function localSentinelOf(config: Config, local: ReadonlySet<string>): HostPort | undefined {
  return config.sentinel.addresses.find((s) => local.has(normalizeIp(s.host)));
}

/**
 * The scripts that are this installation's hook, the one to suggest first:
 * with the package (`packaged`: this process is its single executable) its
 * hook executable, then /usr/bin/vipctl (which works as the hook too); from
 * git, bin/vipctl.
 */
export function ourHookScripts(ourBin: string, packaged: boolean): string[] {
  return packaged ? [PACKAGED_HOOK, ourBin] : [ourBin];
}

/** A client-reconfig-script is this vipctl when it names one of `ours`, itself or through a link (`realpath`). */
export function isThisVipctl(script: string | null, ours: readonly string[], realpath: (p: string) => string | null): boolean {
  if (script === null) return false;
  if (ours.includes(script)) return true;
  const real = realpath(script);
  return real !== null && ours.includes(real);
}

/** The script is the package's hook executable (itself or through a link). */
export function isPackagedHook(script: string | null, realpath: (p: string) => string | null): boolean {
  return isThisVipctl(script, [PACKAGED_HOOK], realpath);
}
