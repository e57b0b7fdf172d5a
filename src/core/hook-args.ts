/**
 * The seven arguments Sentinel passes to client-reconfig-script:
 * <master> <role> <state> <from-ip> <from-port> <to-ip> <to-port>.
 * Anything Sentinel would not send is a USAGE error (exit 2).
 */
import { isHostName, isIp, isPort, nonHostAddressKind, normalizeIp } from './address';
import { VipctlError } from './errors';

export interface HookArgs {
  master: string;
  role: 'leader' | 'observer';
  state: 'start';
  fromIp: string;
  fromPort: number;
  /** An IP literal (normalised), or a host name with `sentinel announce-hostnames yes` (see toIsName). */
  toIp: string;
  toPort: number;
  /** `<to-ip>` is a host name: the hook resolves it (adapters/resolve) before it can compare. */
  toIsName: boolean;
}

export const HOOK_USAGE = 'usage: vipctl [hook] <master> <role> <state> <from-ip> <from-port> <to-ip> <to-port>';

/** Keep error lines to one short line whatever the argument holds. */
function show(arg: string): string {
  const clean = JSON.stringify(arg);
  return clean.length > 80 ? `${clean.slice(0, 77)}..."` : clean;
}

export function parseHookArgs(args: readonly string[]): HookArgs {
  if (args.length !== 7) throw new VipctlError('USAGE', `expected 7 arguments, got ${args.length}; ${HOOK_USAGE}`);
  const [master, role, state, fromIp, fromPort, toIp, toPort] = args as [string, string, string, string, string, string, string];
  const bad = (what: string, arg: string, key: string): never => {
    throw new VipctlError('USAGE', `${key}: ${show(arg)} is not ${what}; ${HOOK_USAGE}`, { key });
  };
  if (!/^[^\s\x00-\x1f\x7f]{1,128}$/.test(master)) bad('a master name', master, 'master');
  if (role !== 'leader' && role !== 'observer') bad('"leader" or "observer"', role, 'role');
  if (state !== 'start') bad('"start"', state, 'state');
  // With announce-hostnames yes Sentinel passes host names: strictly checked, never a shell word.
  // `localhost` and `*.localhost` are loopback by definition (RFC 6761).
  const hostName = (x: string) => isHostName(x) && !/(^|\.)localhost\.?$/i.test(x);
  if (!isIp(fromIp) && !hostName(fromIp)) bad('an IP address or host name', fromIp, 'from-ip');
  if (!isPort(fromPort)) bad('a port (1-65535)', fromPort, 'from-port');
  const toIsName = !isIp(toIp);
  if (toIsName && !hostName(toIp)) bad('an IP address or host name', toIp, 'to-ip');
  // Every host (or none) owns these: acting on one would bind the VIP everywhere.
  const scope = toIsName ? null : nonHostAddressKind(toIp);
  if (scope) {
    throw new VipctlError('USAGE', `to-ip: ${show(toIp)} is ${scope}, which names no single host: the master must be announced by an address of its own (check replica-announce-ip and sentinel announce-ip)`, { key: 'to-ip' });
  }
  if (!isPort(toPort)) bad('a port (1-65535)', toPort, 'to-port');
  return {
    master,
    role: role as HookArgs['role'],
    state: 'start',
    fromIp: isIp(fromIp) ? normalizeIp(fromIp) : fromIp.toLowerCase(),
    fromPort: Number(fromPort),
    toIp: toIsName ? toIp.toLowerCase() : normalizeIp(toIp),
    toPort: Number(toPort),
    toIsName,
  };
}
