/**
 * systemd files checked offline (systemd-analyze, no running systemd):
 * Debian 12's redis-sentinel.service (a copy in test/fixtures) with a
 * drop-in, and `systemd-analyze security --offline` read as data.
 */
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { run } from '../../src/adapters/run';

export const REPO = new URL('../../', import.meta.url).pathname;
const UNIT = join(REPO, 'test/fixtures/debian12-redis-sentinel.service');

/** A unit directory with Debian's redis-sentinel.service and, when given, `dropIn` as its redis-sentinel.service.d/vipctl.conf. */
export function sentinelUnitDir(dropIn: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'vipctl-unit-'));
  copyFileSync(UNIT, join(dir, 'redis-sentinel.service'));
  if (dropIn !== null) {
    mkdirSync(join(dir, 'redis-sentinel.service.d'));
    copyFileSync(dropIn, join(dir, 'redis-sentinel.service.d', 'vipctl.conf'));
  }
  return dir;
}

/** `systemd-analyze security --offline` of `unit` in `dir`: setting -> passed ("+"/"-" under LC_ALL=C, as run() sets); and the overall exposure. */
export async function offlineSecurity(dir: string, unit: string): Promise<{ settings: Map<string, boolean>; exposure: number }> {
  const r = await run(['systemd-analyze', 'security', '--offline=true', '--no-pager', join(dir, unit)], { env: { SYSTEMD_UNIT_PATH: `${dir}:` } });
  expect(r.failedToStart, r.stderr).toBeUndefined();
  const settings = new Map<string, boolean>();
  for (const line of r.stdout.split('\n')) {
    const m = /^([+\-✓✗])\s+(\S+)/.exec(line);
    if (m) settings.set(m[2]!, m[1] === '+' || m[1] === '✓');
  }
  const exposure = Number(/Overall exposure level for \S+: ([0-9.]+)/.exec(r.stdout)?.[1]);
  return { settings, exposure };
}
