/**
 * deploy/redis-sentinel.service.d/vipctl.conf against Debian 12's own
 * redis-sentinel.service (a copy in test/fixtures): systemd parses it without
 * complaint, and its offline security analysis shows that exactly the
 * settings that stop a Node hook are relaxed, and the rest of the lock-down stays.
 * Needs systemd-analyze (package systemd), not a running systemd.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import { offlineSecurity, sentinelUnitDir } from '../support/systemd-units';

const root = new URL('../../', import.meta.url).pathname;
const DROPIN = join(root, 'deploy/redis-sentinel.service.d/vipctl.conf');
/** Debian's unit's settings as systemd-analyze judges them, with or without the drop-in. */
async function security(withDropIn: boolean): Promise<Map<string, boolean>> {
  const { settings } = await offlineSecurity(sentinelUnitDir(withDropIn ? DROPIN : null), 'redis-sentinel.service');
  expect(settings.size).toBeGreaterThan(50);
  return settings;
}

// What stops a Node hook in Debian's unit, as systemd-analyze names it; each must be relaxed.
const BLOCKERS = [
  'PrivateUsers=',
  'MemoryDenyWriteExecute=',
  'RestrictAddressFamilies=~AF_PACKET',
  'RestrictAddressFamilies=~AF_NETLINK',
  'CapabilityBoundingSet=~CAP_NET_ADMIN',
  'CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)',
  'AmbientCapabilities=',
  'SystemCallFilter=~@privileged',
];

// The lock-down that must stay as Debian made it.
const KEPT = [
  'ProtectSystem=',
  'ProtectHome=',
  'NoNewPrivileges=',
  'User=/DynamicUser=',
  'PrivateTmp=',
  'PrivateDevices=',
  'ProtectKernelTunables=',
  'ProtectKernelModules=',
  'RestrictNamespaces=~net',
  'CapabilityBoundingSet=~CAP_SYS_ADMIN',
  'CapabilityBoundingSet=~CAP_SET(UID|GID|PCAP)',
  'CapabilityBoundingSet=~CAP_(DAC_*|FOWNER|IPC_OWNER)',
  'CapabilityBoundingSet=~CAP_KILL',
  'SystemCallFilter=~@mount',
  'SystemCallFilter=~@module',
  'SystemCallFilter=~@resources',
  'SystemCallFilter=~@debug',
  'RestrictAddressFamilies=~…',
];

describe('the systemd drop-in for Debian 12 redis-sentinel.service', () => {
  let before: Map<string, boolean>;
  let after: Map<string, boolean>;
  beforeAll(async () => {
    before = await security(false);
    after = await security(true);
  });

  it('parses cleanly (systemd-analyze verify)', async () => {
    const dir = sentinelUnitDir(DROPIN);
    const r = await run(['systemd-analyze', 'verify', '--man=no', join(dir, 'redis-sentinel.service')], { env: { SYSTEMD_UNIT_PATH: `${dir}:` } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/vipctl\.conf/);
  });

  it.each(BLOCKERS)('Debian blocks the hook with %s; the drop-in relaxes it', (setting) => {
    expect(before.get(setting)).toBe(true);
    expect(after.get(setting)).toBe(false);
  });

  it.each(KEPT)('%s stays as Debian set it', (setting) => {
    expect(before.get(setting)).toBe(true);
    expect(after.get(setting)).toBe(true);
  });

  it('relaxes nothing else', () => {
    const relaxed = [...before].filter(([k, ok]) => ok && after.get(k) === false).map(([k]) => k);
    expect(relaxed.sort()).toEqual([...BLOCKERS].sort());
  });

  it('lets the hook execute what it runs, and write where it writes', () => {
    const text = readFileSync(DROPIN, 'utf8');
    const exec = /^ExecPaths=(.*)$/m.exec(text)![1]!.split(/\s+/).map((p) => p.replace(/^-/, ''));
    for (const p of ['/usr/bin/env', '/usr/bin/node', '/opt/vipctl', '/usr/bin/ip', '/usr/sbin/ip', '/usr/bin/arping', '/usr/sbin/arping']) expect(exec).toContain(p);
    expect(text).toMatch(/^SystemCallFilter=@pkey capset setuid$/m);
    expect(text).toMatch(/^LogsDirectory=vipctl$/m);
    expect(text).toMatch(/^RuntimeDirectory=vipctl$/m);
  });
});
