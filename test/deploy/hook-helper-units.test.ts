/**
 * The package's hook without capabilities, as systemd files
 * (src/hook-relay.ts): the two-line drop-in for Debian 12's
 * redis-sentinel.service relaxes, by systemd's own offline analysis, exactly
 * one setting (MemoryDenyWriteExecute, for V8's JIT) and grants Sentinel no
 * capability; the helper's socket and service parse, the socket is for
 * Sentinel's group only, and the service carries the watch unit's hardening.
 * Needs systemd-analyze (package systemd), not a running systemd.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import { offlineSecurity, sentinelUnitDir } from '../support/systemd-units';

const root = new URL('../../', import.meta.url).pathname;
const DROPIN = join(root, 'deploy/redis-sentinel.service.d/vipctl-package.conf');
describe("the package's drop-in for Debian 12's redis-sentinel.service (hook helper)", () => {
  it('parses cleanly and relaxes exactly MemoryDenyWriteExecute: no capability, address family or namespace for Sentinel', async () => {
    const dir = sentinelUnitDir(DROPIN);
    const v = await run(['systemd-analyze', 'verify', '--man=no', join(dir, 'redis-sentinel.service')], { env: { SYSTEMD_UNIT_PATH: `${dir}:` } });
    expect(v.exitCode, v.stderr).toBe(0);
    const before = (await offlineSecurity(sentinelUnitDir(null), 'redis-sentinel.service')).settings;
    const after = (await offlineSecurity(dir, 'redis-sentinel.service')).settings;
    expect(before.size).toBeGreaterThan(50);
    const relaxed = [...before].filter(([k, ok]) => ok && after.get(k) === false).map(([k]) => k);
    expect(relaxed).toEqual(['MemoryDenyWriteExecute=']);
    for (const kept of ['CapabilityBoundingSet=~CAP_NET_ADMIN', 'AmbientCapabilities=', 'PrivateUsers=', 'RestrictAddressFamilies=~AF_NETLINK', 'RestrictAddressFamilies=~AF_PACKET', 'NoNewPrivileges=']) expect(after.get(kept), kept).toBe(true);
  });
});

describe('vipctl-hook.socket and vipctl-hook@.service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vipctl-helper-'));
  for (const f of ['vipctl-hook.socket', 'vipctl-hook@.service']) copyFileSync(join(root, 'deploy', f), join(dir, f));

  it('parse cleanly (systemd-analyze verify)', async () => {
    const r = await run(['systemd-analyze', 'verify', '--man=no', join(dir, 'vipctl-hook.socket')], { env: { SYSTEMD_UNIT_PATH: `${dir}:` } });
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it("the socket: Sentinel's group only, one service per connection, a cap on connections", () => {
    const text = readFileSync(join(dir, 'vipctl-hook.socket'), 'utf8');
    for (const line of ['ListenStream=/run/vipctl-hook/hook.sock', 'SocketUser=root', 'SocketGroup=redis', 'SocketMode=0660', 'Accept=yes', 'MaxConnections=16']) expect(text).toMatch(new RegExp(`^${line}$`, 'm'));
  });

  it("the service: the connection on stdin, the two capabilities, and the watch unit's exposure (<= 1.9)", async () => {
    const text = readFileSync(join(dir, 'vipctl-hook@.service'), 'utf8');
    for (const line of ['ExecStart=/usr/lib/vipctl/vipctl-hook --serve', 'StandardInput=socket', 'StandardOutput=journal', 'User=vipctl', 'AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW', 'CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW', 'NoNewPrivileges=yes']) expect(text).toMatch(new RegExp(`^${line}$`, 'm'));
    const { exposure } = await offlineSecurity(dir, 'vipctl-hook@x.service');
    expect(exposure).toBeLessThanOrEqual(1.9);
  });
});
