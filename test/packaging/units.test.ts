/** The package's systemd files (scripts/units.ts): deploy/'s, with the package's paths and nothing else changed. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packagedDropIn, packagedWatchUnit } from '../../scripts/units';
import { WATCH_NODE_OPTIONS } from '../../src/core/watch/node-options';

const read = (p: string): string => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');
const settings = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
const UNIT = read('deploy/vipctl-watch.service');
const DROPIN = read('deploy/redis-sentinel.service.d/vipctl.conf');

describe('the packaged vipctl-watch.service', () => {
  const unit = packagedWatchUnit(UNIT);
  it('starts /usr/bin/vipctl watch: no /opt, no env node', () => {
    expect(settings(unit).filter((l) => l.startsWith('ExecStart='))).toEqual(['ExecStart=/usr/bin/vipctl watch']);
    expect(unit).not.toMatch(/\/opt\/vipctl|env node/);
  });
  it('keeps every other setting of deploy/ (hardening, NODE_OPTIONS), in order', () => {
    const changed = /^(ExecStart|Documentation)=/;
    expect(settings(unit).filter((l) => !changed.test(l))).toEqual(settings(UNIT).filter((l) => !changed.test(l)));
    expect(settings(unit)).toContain(`Environment=NODE_OPTIONS=${WATCH_NODE_OPTIONS}`);
    expect(settings(unit)).toContain('Documentation=man:vipctl(8)');
  });
  it('refuses a source whose ExecStart it cannot find', () => {
    expect(() => packagedWatchUnit(UNIT.replace(/^ExecStart=.*$/m, ''))).toThrow(/ExecStart/);
  });
});

describe('the packaged redis-sentinel.service drop-in', () => {
  const dropin = packagedDropIn(DROPIN);
  it('lets Sentinel exec the packaged executable and its lock addon, not env/node/opt', () => {
    expect(settings(dropin).filter((l) => l.startsWith('ExecPaths='))).toEqual(['ExecPaths=/usr/bin/vipctl /usr/lib/vipctl -/usr/bin/ip -/usr/sbin/ip -/usr/bin/arping -/usr/sbin/arping']);
    expect(settings(dropin).join('\n')).not.toMatch(/\/opt\/vipctl|\/usr\/bin\/env|\/usr\/bin\/node/);
  });
  it('keeps every other setting of deploy/ as it is', () => {
    const changed = /^ExecPaths=/;
    expect(settings(dropin).filter((l) => !changed.test(l))).toEqual(settings(DROPIN).filter((l) => !changed.test(l)));
  });
  it('says where the package ships it and how to activate it', () => {
    expect(dropin).toContain('/usr/share/vipctl/redis-sentinel.service.d/vipctl.conf');
    expect(dropin).toContain('/etc/systemd/system/redis-sentinel.service.d/vipctl.conf');
  });
});
