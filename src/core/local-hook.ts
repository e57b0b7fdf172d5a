/**
 * Does this host run the hook? The pieces status and doctor share: which
 * configured Sentinel is this host's own, and whether a Sentinel's
 * client-reconfig-script is this vipctl. Pure.
 */
import { normalizeIp, type HostPort } from './address';
import type { Config } from './config';

/** The first configured Sentinel whose host is one of `local` (this host's addresses). */
export function localSentinelOf(config: Config, local: ReadonlySet<string>): HostPort | undefined {
  return config.sentinel.addresses.find((s) => local.has(normalizeIp(s.host)));
}

/** A client-reconfig-script is this vipctl when it names `ourBin`, itself or through a link (`realpath`). */
export function isThisVipctl(script: string | null, ourBin: string, realpath: (p: string) => string | null): boolean {
  return script !== null && (script === ourBin || realpath(script) === ourBin);
}
