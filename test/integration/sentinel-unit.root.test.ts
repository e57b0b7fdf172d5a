/**
 * The hook's system calls against the seccomp allow-list that Debian's
 * redis-sentinel.service plus deploy/redis-sentinel.service.d/vipctl.conf
 * leave (root, lab): strace -f the hook (and the ip and arping it runs) on a
 * lab node, bind and unbind paths, and check every call is allowed. A call
 * outside the list would get the hook killed with SIGSYS under systemd.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import type { Lab } from '../../src/lab/lab';
import { describeLab, upLab } from './support';

/** The system calls of a systemd set such as @system-service, groups expanded. */
async function expand(set: string, seen = new Set<string>()): Promise<Set<string>> {
  const out = new Set<string>();
  if (seen.has(set)) return out;
  seen.add(set);
  const r = await run(['systemd-analyze', 'syscall-filter', set]);
  expect(r.exitCode, r.stderr).toBe(0);
  for (const raw of r.stdout.split('\n').slice(1)) {
    const name = raw.trim();
    if (!name || name.startsWith('#')) continue;
    if (name.startsWith('@')) for (const n of await expand(name, seen)) out.add(n);
    else out.add(name);
  }
  return out;
}

/** What the unit plus the drop-in allow: @system-service, minus @privileged and @resources, plus the drop-in's own line. */
async function allowed(): Promise<Set<string>> {
  const dropIn = readFileSync(new URL('../../deploy/redis-sentinel.service.d/vipctl.conf', import.meta.url), 'utf8');
  const extra = /^SystemCallFilter=(.*)$/m.exec(dropIn)![1]!.split(/\s+/);
  const set = await expand('@system-service');
  for (const s of ['@privileged', '@resources']) for (const n of await expand(s)) set.delete(n);
  for (const e of extra) for (const n of e.startsWith('@') ? await expand(e) : [e]) set.add(n);
  return set;
}

describeLab('the hook under the drop-in\'s system call filter (root)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await upLab({ mode: 'none' });
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('every system call of the hook, ip and arping is allowed, on the bind and the unbind path', async () => {
    expect((await run(['strace', '-V'])).exitCode, 'strace is needed (apt-get install strace)').toBe(0);
    const [n1, n2] = [lab.host('n1'), lab.host('n2')];
    const trace = join(lab.dir, 'hook.strace');
    const used = new Set<string>();
    for (const to of [n1.ip, n2.ip, n1.ip]) {
      const r = await lab.exec(n1, ['strace', '-f', '-qq', '-o', trace, lab.hookPath, 'mymaster', 'leader', 'start', '198.18.0.13', '6379', to, '6379'], { env: lab.nodeEnv(n1) });
      expect(r.exitCode, r.stderr).toBe(0);
      for (const line of readFileSync(trace, 'utf8').split('\n')) {
        const m = /^\d+\s+([a-z0-9_]+)\(/.exec(line);
        if (m) used.add(m[1]!);
      }
    }
    // the paths were really taken: netlink (ip), a packet socket (arping), flock (the lock)
    for (const call of ['socket', 'sendmsg', 'flock', 'execve', 'capset']) expect(used).toContain(call);
    const allow = await allowed();
    expect([...used].filter((c) => !allow.has(c)).sort()).toEqual([]);
    // and the drop-in's additions are needed: without them, these calls would be refused
    expect([...used].filter((c) => ['capset', 'setuid', 'pkey_alloc'].includes(c)).sort()).toEqual(['capset', 'pkey_alloc', 'setuid']);
  });
});
