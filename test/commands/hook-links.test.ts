/** hookCommand's pass: the links under the lock from the interface list (converge localLinks), with fake adapters. */
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hookCommand } from '../../src/commands/hook';
import type { ConvergeDeps } from '../../src/pass/converge';
import type { Link } from '../../src/core/local';
import type { Step } from '../../src/core/plan';

const dir = mkdtempSync(join(tmpdir(), 'vipctl-hook-links-'));
chmodSync(dir, 0o700);
const configPath = join(dir, 'vipctl.yaml');
writeFileSync(configPath, `sentinel:\n  addresses: [198.18.0.11:26379]\nmasters:\n  mymaster:\n    vip: 198.18.0.100/24\nlog:\n  file: null\n  level: error\nrunDir: ${join(dir, 'run')}\n`, { mode: 0o600 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HERE: Link[] = [
  { ifname: 'lo', up: true, mac: null, addresses: [{ address: '127.0.0.1', prefix: 8, family: 4 }] },
  { ifname: 'eth0', up: true, mac: '02:00:00:00:00:11', addresses: [{ address: '198.18.0.11', prefix: 24, family: 4 }] },
];

function fakes() {
  const calls = { local: [] as string[], ip: 0, steps: [] as string[] };
  const deps: Partial<ConvergeDeps> = {
    acquireLock: async () => ({ path: '/fake', waitedMs: 0, release: () => undefined }),
    readLocalLinks: async (vip) => {
      calls.local.push(vip);
      return HERE;
    },
    readLinks: async () => {
      calls.ip++;
      return HERE;
    },
    executePlan: async (steps: readonly Step[]) => {
      calls.steps.push(...steps.map((s) => (s.kind === 'exec' ? s.argv.join(' ') : s.kind)));
      return [];
    },
    readHold: () => null,
    notifyChanges: () => undefined,
  };
  return { deps, calls };
}

describe('hookCommand: the read of the links', () => {
  it.each([
    ['bind', ['mymaster', 'leader', 'start', '198.18.0.12', '6379', '198.18.0.11', '6379'], ['ip addr add 198.18.0.100/24 dev eth0', 'announce']],
    ['not here', ['mymaster', 'observer', 'start', '198.18.0.11', '6379', '198.18.0.12', '6379'], ['stop-announce']],
  ])('%s: through readLocalLinks for the VIP, no `ip -json addr show`', async (_name, args, steps) => {
    const { deps, calls } = fakes();
    expect(await hookCommand(args, { config: configPath, deps })).toBe(0);
    expect(calls.local).toEqual(['198.18.0.100']);
    expect(calls.ip).toBe(0);
    expect(calls.steps).toEqual(steps);
  });
});
