import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config';
import { ipAdd, ipDel, ipDeprecate } from '../../src/core/plan';
import { changesOf, NOTIFY_ARG, notifyChanges, parseSpec, selfArgv, superviseNotify, type NotifySpec } from '../../src/adapters/notify';
import { CHILD_ENV } from '../../src/adapters/system';
import { running } from '../../src/adapters/proc';
import type { StepResult } from '../../src/adapters/execute';
import { parseLogLines } from '../../src/adapters/log-lines';

const config = validateConfig({
  sentinel: { addresses: ['198.18.0.11:26379'] },
  masters: { m: { vip: '198.18.0.100/24' }, quiet: { vip: '198.18.0.101/24', notify: { onBind: null, onUnbind: null } } },
  log: { file: null },
  notify: { onBind: ['/usr/local/bin/moved', '{action}', '{master}', '{vip}', '{cidr}', '{interface}', '{newMaster}', '{oldMaster}', '{host}', 'why={reason}'], onUnbind: ['/usr/local/bin/gone', '{interface}'], timeoutMs: 1234 },
}, {});
const m = config.masters.get('m')!;
const vip = m.vip;

/** A spawn that records its calls and returns a child that never does anything. */
function fakeSpawn() {
  const calls: Array<{ file: string; args: string[]; options: Record<string, unknown> }> = [];
  const fn = ((file: string, args: string[], options: Record<string, unknown>) => {
    calls.push({ file, args, options });
    return Object.assign(new EventEmitter(), { pid: 4242, unref: () => undefined });
  }) as never;
  return { calls, fn };
}

function lines() {
  const out: string[] = [];
  return { out, logger: pino({ level: 'debug' }, { write: (s: string) => out.push(s) }) };
}

describe('changesOf', () => {
  it('one change per ip addr add/del that changed something; already bound/gone, deprecations and announcements are none', () => {
    const r = (step: StepResult['step'], action: StepResult['action'], note?: string): StepResult => ({ step, action, durationMs: 1, ...(note ? { note } : {}) });
    expect(changesOf([
      r({ kind: 'stop-announce' }, 'stop-announce'),
      r(ipDel(vip, 'eth1'), 'unbind'),
      r(ipAdd(vip, 'eth0'), 'bind'),
      r(ipDeprecate(vip, 'eth0'), 'deprecate'),
      r({ kind: 'announce', argv: ['arping'], count: 1, intervalSeconds: 1 }, 'announce'),
    ])).toEqual([{ action: 'unbind', interface: 'eth1' }, { action: 'bind', interface: 'eth0' }]);
    expect(changesOf([r(ipAdd(vip, 'eth0'), 'bind', 'already bound'), r(ipDel(vip, 'eth1'), 'unbind', 'already gone')])).toEqual([]);
  });
});

describe('notifyChanges', () => {
  it('starts one detached supervisor per change with the substituted argv, CHILD_ENV only, and logs its pid', () => {
    const { calls, fn } = fakeSpawn();
    const { out, logger } = lines();
    notifyChanges({ config, master: m, logger, changes: [{ action: 'unbind', interface: 'eth1' }, { action: 'bind', interface: 'eth0' }], facts: { reason: 'master x is this host', newMaster: '198.18.0.12:6379', oldMaster: null } }, fn);
    expect(calls).toHaveLength(2);
    const specs = calls.map((c) => {
      expect([c.file, ...c.args.slice(0, -2)]).toEqual(selfArgv());
      expect(c.args.at(-2)).toBe(NOTIFY_ARG);
      expect(c.options).toEqual({ detached: true, stdio: ['ignore', 'ignore', 'inherit'], env: { ...CHILD_ENV } }); // log.file null: its line goes to our stderr
      return parseSpec(c.args.at(-1)!)!;
    });
    expect(specs[0]!.argv).toEqual(['/usr/local/bin/gone', 'eth1']);
    expect(specs[1]!.argv).toEqual(['/usr/local/bin/moved', 'bind', 'm', '198.18.0.100', '198.18.0.100/24', 'eth0', '198.18.0.12:6379', '', hostname(), 'why=master x is this host']);
    expect(specs[1]).toMatchObject({ timeoutMs: 1234, log: config.log, fields: { master: 'm', vip: '198.18.0.100/24', action: 'bind', interface: 'eth0' } });
    expect(out.map((l) => JSON.parse(l))).toMatchObject([{ event: 'notify-start', action: 'unbind', supervisor: 4242 }, { event: 'notify-start', action: 'bind', supervisor: 4242 }]);
  });

  it('with a log file, the supervisor gets no stdio at all (nothing keeps the hook or its caller waiting)', () => {
    const { calls, fn } = fakeSpawn();
    const withFile = { ...config, log: { ...config.log, file: '/var/log/vipctl/vipctl.log' } };
    notifyChanges({ config: withFile, master: m, logger: lines().logger, changes: [{ action: 'bind', interface: 'eth0' }], facts: { reason: '' } }, fn);
    expect(calls[0]!.options).toMatchObject({ detached: true, stdio: 'ignore' });
  });

  it('no change, or a master without commands: nothing started', () => {
    const { calls, fn } = fakeSpawn();
    const { logger } = lines();
    notifyChanges({ config, master: m, logger, changes: [], facts: { reason: '' } }, fn);
    notifyChanges({ config, master: config.masters.get('quiet')!, logger, changes: [{ action: 'bind', interface: 'eth0' }], facts: { reason: '' } }, fn);
    expect(calls).toEqual([]);
  });

  it('a supervisor that cannot start is a warning, never an exception', () => {
    const { out, logger } = lines();
    const throwing = (() => {
      throw Object.assign(new Error('spawn EAGAIN'), { code: 'EAGAIN' });
    }) as never;
    expect(() => notifyChanges({ config, master: m, logger, changes: [{ action: 'bind', interface: 'eth0' }], facts: { reason: '' } }, throwing)).not.toThrow();
    expect(JSON.parse(out[0]!)).toMatchObject({ level: 40, event: 'notify-failed', reason: 'spawn EAGAIN' });
  });
});

describe('selfArgv', () => {
  it('from a single executable, the executable alone; from node, node and dist/cli.mjs next to this bundle', () => {
    expect(selfArgv(true)).toEqual([process.execPath]);
    const [node, script] = selfArgv(false);
    expect(node).toBe(process.execPath);
    expect(script).toMatch(/\/cli\.mjs$/);
  });
});

describe('superviseNotify', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const spec = (argv: string[], timeoutMs = 5000): NotifySpec => ({ argv, timeoutMs, log: { file: join(dir, 'log', 'vipctl.log'), level: 'info' }, fields: { master: 'm', vip: '198.18.0.100/24', action: 'bind', interface: 'eth0', startedAt: new Date().toISOString() } });
  const logged = () => parseLogLines(readFileSync(join(dir, 'log', 'vipctl.log'), 'utf8'));

  it('logs one notify line with the exit code and duration; the command gets CHILD_ENV only', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vipctl-notify-'));
    process.env.VIPCTL_SENTINEL_PASSWORD = 'secret';
    try {
      expect(await superviseNotify(spec(['/bin/sh', '-c', 'env >&2; exit 3']))).toBe(0);
    } finally {
      delete process.env.VIPCTL_SENTINEL_PASSWORD;
    }
    const [l, ...rest] = logged();
    expect(rest).toEqual([]);
    expect(l).toMatchObject({ level: 'warn', event: 'notify', cmd: 'notify', master: 'm', action: 'bind', interface: 'eth0', argv: ['/bin/sh', '-c', 'env >&2; exit 3'], exitCode: 3, durationMs: expect.any(Number) });
    expect(String(l!.stderr)).not.toContain('secret');
    await superviseNotify(spec(['/bin/true']));
    expect(logged()[1]).toMatchObject({ level: 'info', event: 'notify', exitCode: 0 });
  });

  it('kills a hanging command, and what it started, at the timeout, and says so', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vipctl-notify-'));
    const pidFile = join(dir, 'child.pid');
    await superviseNotify(spec(['/bin/sh', '-c', `/bin/sleep 600 & echo $! > ${pidFile}; wait`], 300));
    const l = logged()[0]!;
    expect(l).toMatchObject({ level: 'warn', event: 'notify', exitCode: null, timedOut: true });
    expect(Number(l.durationMs)).toBeGreaterThanOrEqual(300);
    expect(running(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('a program that does not exist is logged with its error', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vipctl-notify-'));
    await superviseNotify(spec(['/nonexistent/program']));
    expect(logged()[0]).toMatchObject({ level: 'warn', event: 'notify', exitCode: null, error: 'ENOENT' });
  });
});

describe('parseSpec', () => {
  it('refuses anything but a spec', () => {
    expect(parseSpec('junk')).toBeNull();
    expect(parseSpec('{"argv":[],"timeoutMs":1,"log":{},"fields":{}}')).toBeNull();
    expect(parseSpec('{"argv":["/bin/true"],"timeoutMs":1,"log":{},"fields":{}}')).not.toBeNull();
  });
});
