import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DROPIN_FIX, judgeSentinelUnit, parseShow, unitBlockers, type HookNeeds } from '../../src/core/sentinel-unit';

const NEEDS: HookNeeds = { execs: ['/usr/bin/env', '/usr/bin/node', '/opt/vipctl', '/usr/sbin/ip', '/usr/bin/arping'], writes: ['/var/log/vipctl', '/run/vipctl'] };

/**
 * Unit files (the unit, then drop-ins) as the properties systemctl show
 * would print: an empty assignment resets a list, others append; booleans
 * as yes/no. SystemCallFilter keeps the allow entries only: that is the
 * allow-list systemd builds (the deny entries only take names out of it).
 */
function unitProperties(...files: string[]): Record<string, string> {
  const p: Record<string, string[]> = {};
  for (const text of files) {
    let service = false;
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line.startsWith('[')) service = line === '[Service]';
      const m = /^([A-Za-z]+)=(.*)$/.exec(line);
      if (!service || !m) continue;
      const [, key, value] = m as unknown as [string, string, string];
      if (key === 'SystemCallFilter' && value.startsWith('~')) continue;
      if (value === '') p[key] = [];
      else p[key] = [...(p[key] ?? []), value === 'true' ? 'yes' : value === 'false' ? 'no' : value];
    }
  }
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, ['PrivateUsers', 'MemoryDenyWriteExecute', 'ProtectSystem', 'User'].includes(k) ? (v.at(-1) ?? '') : v.join(' ')]));
}

const DEBIAN = readFileSync(new URL('../fixtures/debian12-redis-sentinel.service', import.meta.url), 'utf8');
const DROPIN = readFileSync(new URL('../../deploy/redis-sentinel.service.d/vipctl.conf', import.meta.url), 'utf8');
const PACKAGE_DROPIN = readFileSync(new URL('../../deploy/redis-sentinel.service.d/vipctl-package.conf', import.meta.url), 'utf8');

describe("Debian 12's redis-sentinel.service", () => {
  it('as shipped: every setting that stops a Node hook is named', () => {
    const b = unitBlockers(unitProperties(DEBIAN), NEEDS);
    expect(b).toEqual([
      'NoExecPaths=/ and ExecPaths lacks /usr/bin/env, /usr/bin/node, /opt/vipctl, /usr/sbin/ip, /usr/bin/arping: the hook cannot be executed',
      'CapabilityBoundingSet=(empty) lacks cap_net_admin, cap_net_raw: no ip addr, no arping',
      'User=redis and AmbientCapabilities lacks cap_net_admin, cap_net_raw: the hook runs without them',
      'PrivateUsers=yes: capabilities in a private user namespace do not reach the host network',
      "MemoryDenyWriteExecute=yes: Node's JIT cannot run",
      'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX lacks AF_NETLINK, AF_PACKET: ip needs netlink, arping a packet socket',
      'SystemCallFilter allows only a list without pkey_alloc, capset, setuid: Node (pkey_alloc) or arping (capset, setuid) is killed',
      'ProtectSystem=strict and /var/log/vipctl, /run/vipctl not in ReadWritePaths, LogsDirectory or RuntimeDirectory: the log and the locks cannot be written',
    ]);
  });

  it('with the drop-in: nothing stops the hook', () => {
    expect(unitBlockers(unitProperties(DEBIAN, DROPIN), NEEDS)).toEqual([]);
  });
  it("the package's hook without capabilities (relayed): as shipped only Node's JIT and pkey_alloc stop it; the package's two-line drop-in lifts both", () => {
    const needs: HookNeeds = { execs: ['/usr/lib/vipctl/vipctl-hook'], writes: [], relayed: true };
    expect(unitBlockers(unitProperties(DEBIAN), needs)).toEqual([
      "MemoryDenyWriteExecute=yes: Node's JIT cannot run",
      'SystemCallFilter allows only a list without pkey_alloc: Node is killed at start',
    ]);
    expect(unitBlockers(unitProperties(DEBIAN, PACKAGE_DROPIN), needs)).toEqual([]);
    // and it grants Sentinel nothing: no capability, Debian's private user namespace and address families stay
    const p = unitProperties(DEBIAN, PACKAGE_DROPIN);
    expect([p.CapabilityBoundingSet, p.AmbientCapabilities, p.PrivateUsers, p.RestrictAddressFamilies, p.NoNewPrivileges]).toEqual(['', undefined, 'yes', 'AF_INET AF_INET6 AF_UNIX', 'yes']);
    // the git tree's drop-in would be needed without the helper
    expect(unitBlockers(unitProperties(DEBIAN, PACKAGE_DROPIN), NEEDS).length).toBeGreaterThan(0);
  });
});

describe('unitBlockers: one property at a time (systemctl show output)', () => {
  const OK = parseShow(
    [
      'User=redis',
      'NoExecPaths=/',
      'ExecPaths=/usr/bin/redis-sentinel /usr/lib /lib /usr/bin/env /usr/bin/node /opt/vipctl -/usr/sbin/ip -/usr/bin/arping',
      'CapabilityBoundingSet=cap_net_admin cap_net_raw',
      'AmbientCapabilities=cap_net_admin cap_net_raw',
      'PrivateUsers=no',
      'MemoryDenyWriteExecute=no',
      'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK AF_PACKET',
      'SystemCallFilter=accept capset pkey_alloc read setuid write',
      'ProtectSystem=strict',
      'ReadWritePaths=-/var/lib/redis',
      'LogsDirectory=vipctl',
      'RuntimeDirectory=sentinel vipctl',
    ].join('\n'),
  );
  it('a unit that lets the hook run has no blocker', () => {
    expect(unitBlockers(OK, NEEDS)).toEqual([]);
  });
  it.each<[string, Record<string, string>, RegExp | null]>([
    ['ExecPaths without node', { ExecPaths: '/usr/bin/redis-sentinel /usr/bin/env /opt/vipctl /usr/sbin/ip /usr/bin/arping' }, /ExecPaths lacks \/usr\/bin\/node:/],
    ['no NoExecPaths at all', { NoExecPaths: '', ExecPaths: '' }, null],
    ['bounding set without cap_net_raw', { CapabilityBoundingSet: 'cap_net_admin' }, /lacks cap_net_raw: no ip addr, no arping/],
    ['root needs no ambient capabilities', { User: 'root', AmbientCapabilities: '' }, null],
    ['no User (root) needs none either', { User: '', AmbientCapabilities: '' }, null],
    ['a non-root user without ambient capabilities', { AmbientCapabilities: '' }, /User=redis and AmbientCapabilities lacks cap_net_admin, cap_net_raw/],
    ['PrivateUsers=yes', { PrivateUsers: 'yes' }, /^PrivateUsers=yes/],
    ['MemoryDenyWriteExecute=yes', { MemoryDenyWriteExecute: 'yes' }, /JIT/],
    ['address families without AF_PACKET', { RestrictAddressFamilies: 'AF_UNIX AF_INET AF_NETLINK' }, /lacks AF_PACKET/],
    ['a deny-list of address families naming AF_NETLINK', { RestrictAddressFamilies: '~AF_NETLINK' }, /denies AF_NETLINK/],
    ['no address family restriction', { RestrictAddressFamilies: '' }, null],
    ['an allow-list without pkey_alloc', { SystemCallFilter: 'accept capset read setuid' }, /without pkey_alloc:/],
    ['a deny-list naming setuid', { SystemCallFilter: '~setuid reboot' }, /denies setuid/],
    ['ProtectSystem=strict without the log dir writable', { LogsDirectory: '' }, /\/var\/log\/vipctl not in ReadWritePaths/],
    ['ProtectSystem=strict with the dirs in ReadWritePaths', { LogsDirectory: '', RuntimeDirectory: '', ReadWritePaths: '/var/log/vipctl -/run/vipctl' }, null],
    ['ProtectSystem=full leaves /var and /run writable', { ProtectSystem: 'full', LogsDirectory: '', RuntimeDirectory: '' }, null],
  ])('%s', (_name, change, expected) => {
    const b = unitBlockers({ ...OK, ...change }, NEEDS);
    if (expected === null) expect(b).toEqual([]);
    else {
      expect(b).toHaveLength(1);
      expect(b[0]).toMatch(expected);
    }
  });
});

describe('judgeSentinelUnit', () => {
  it('no systemd here: a warning that says it was not checked, not a failure', () => {
    const r = judgeSentinelUnit({ ok: false, error: 'System has not been booted with systemd as init system (PID 1). Can\'t operate.' }, NEEDS);
    expect(r).toMatchObject({ check: 'redis-sentinel.service', status: 'warn' });
    expect(r.detail).toMatch(/^not checked: systemctl show failed \(System has not been booted with systemd/);
  });
  it('a unit that is not installed passes', () => {
    expect(judgeSentinelUnit({ ok: true, text: 'LoadState=not-found\n' }, NEEDS)).toMatchObject({ status: 'pass', detail: 'not installed here (LoadState=not-found): nothing to check' });
  });
  it("Debian's unit fails with every blocker and the drop-in as the fix", () => {
    const props = unitProperties(DEBIAN);
    const text = ['LoadState=loaded', ...Object.entries(props).map(([k, v]) => `${k}=${v}`)].join('\n');
    const r = judgeSentinelUnit({ ok: true, text }, NEEDS);
    expect(r.status).toBe('fail');
    expect(r.detail.split('; ')).toHaveLength(8);
    expect(r.fix).toBe(DROPIN_FIX);
  });
});
