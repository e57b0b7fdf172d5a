/**
 * deploy/redis-sentinel.service.d/vipctl.conf against Debian 12's own
 * redis-sentinel.service (a copy in test/fixtures): systemd parses it without
 * complaint, and its offline security analysis shows that exactly the
 * settings that stop a Node hook are relaxed, and the rest of the lock-down stays.
 * Needs systemd-analyze (package systemd), not a running systemd.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';

const root = new URL('../../', import.meta.url).pathname;
const DROPIN = join(root, 'deploy/redis-sentinel.service.d/vipctl.conf');
const UNIT = join(root, 'test/fixtures/debian12-redis-sentinel.service');

/** A unit directory with the Debian unit, and the drop-in when asked. */
function unitDir(withDropIn: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'vipctl-unit-'));
  copyFileSync(UNIT, join(dir, 'redis-sentinel.service'));
  if (withDropIn) {
    mkdirSync(join(dir, 'redis-sentinel.service.d'));
    copyFileSync(DROPIN, join(dir, 'redis-sentinel.service.d', 'vipctl.conf'));
  }
  return dir;
}

/** `systemd-analyze security --offline` lines: setting name -> passed or not ("+"/"-" under LC_ALL=C, as run() sets). */
async function security(dir: string): Promise<Map<string, boolean>> {
  const r = await run(['systemd-analyze', 'security', '--offline=true', '--no-pager', join(dir, 'redis-sentinel.service')], { env: { SYSTEMD_UNIT_PATH: `${dir}:` } });
  expect(r.failedToStart, r.stderr).toBeUndefined();
  const out = new Map<string, boolean>();
  for (const line of r.stdout.split('\n')) {
    const m = /^([+\-✓✗])\s+(\S+)/.exec(line);
    if (m) out.set(m[2]!, m[1] === '+' || m[1] === '✓');
  }
  expect(out.size).toBeGreaterThan(50);
  return out;
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
    before = await security(unitDir(false));
    after = await security(unitDir(true));
  });

  it('parses cleanly (systemd-analyze verify)', async () => {
    const dir = unitDir(true);
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
