/**
 * What the lab needs from the system. When root on Debian/Ubuntu and
 * something is missing, install it with apt and say so; otherwise say the
 * exact command.
 */
import { existsSync } from 'node:fs';
import { VipctlError } from '../core/errors';
import { ok, run } from '../adapters/run';

export const LAB_TOOLS: ReadonlyArray<{ command: string; pkg: string }> = [
  { command: 'ip', pkg: 'iproute2' },
  { command: 'arping', pkg: 'iputils-arping' },
  { command: 'redis-server', pkg: 'redis-server' },
  { command: 'redis-sentinel', pkg: 'redis-sentinel' },
  { command: 'redis-cli', pkg: 'redis-tools' },
  // certificates for lab up --tls
  { command: 'openssl', pkg: 'openssl' },
  // IPv6 VIPs (lab up --ipv6, and the IPv6 integration tests): announce and duplicate probe
  { command: 'ndptool', pkg: 'libndp-tools' },
  { command: 'ndisc6', pkg: 'ndisc6' },
];

export function onPath(command: string, path = process.env.PATH ?? ''): boolean {
  return path.split(':').some((d) => d && existsSync(`${d}/${command}`));
}

export function missingTools(path?: string): string[] {
  return [...new Set(LAB_TOOLS.filter((t) => !onPath(t.command, path)).map((t) => t.pkg))];
}

export function aptCommand(pkgs: readonly string[]): string[] {
  return ['apt-get', 'install', '-y', '--no-install-recommends', ...pkgs];
}

export async function ensureLabPrereqs(say: (line: string) => void): Promise<void> {
  const missing = missingTools();
  const cmd = aptCommand(missing);
  if (process.getuid?.() !== 0) {
    const install = missing.length > 0 ? `; it also needs ${missing.join(', ')}: sudo apt-get update && sudo ${cmd.join(' ')}` : '';
    throw new VipctlError('USAGE', `the lab needs root (network namespaces): run it with sudo${install}`);
  }
  if (missing.length === 0) return;
  if (!onPath('apt-get')) throw new VipctlError('LAB', `missing ${missing.join(', ')}; install them (on Debian/Ubuntu: apt-get update && ${cmd.join(' ')})`);
  say(`installing ${missing.join(', ')}: apt-get update && ${cmd.join(' ')}`);
  for (const argv of [['apt-get', 'update'], cmd]) {
    const r = await run(argv, { timeoutMs: 600_000, input: '', env: { DEBIAN_FRONTEND: 'noninteractive' } });
    if (!ok(r)) throw new VipctlError('LAB', `${argv.join(' ')} failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
  }
  const still = missingTools();
  if (still.length > 0) throw new VipctlError('LAB', `still missing after apt-get: ${still.join(', ')}`);
}
