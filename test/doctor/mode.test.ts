import { describe, expect, it } from 'vitest';
import { judgeMode, procHiddenReason, procMountOptions } from '../../src/core/doctor-mode';
import { checkMode, checkOwnCaps, checkSentinelEnvironment, checkWatcher } from '../../src/doctor/mode';
import { checkSentinelUnit } from '../../src/doctor/checks';
import { CAPS_NET, CAPS_NONE, fakeContext, OUR_BIN, sentinelListening } from './fakes';

const HIDEPID = procHiddenReason(999, 'rw,nosuid,nodev,noexec,relatime,hidepid=invisible');

describe('doctor knows what moves the VIP here', () => {
  it('daemon mode as root: the watcher, and no "Sentinel lacks CAP_NET_ADMIN" failure (Sentinel runs no hook)', async () => {
    // issue 19: "FAIL capabilities (Sentinel pid ..., which runs the hook) missing CAP_NET_ADMIN and CAP_NET_RAW" with the watcher
    const ctx = fakeContext({ watcher: { recorded: 4321, running: 4321 }, ss: sentinelListening(777), status: { '777': CAPS_NONE, '4321': CAPS_NET } });
    expect(await checkMode(ctx)).toEqual([expect.objectContaining({ status: 'pass', detail: expect.stringMatching(/^the watcher \(pid 4321\); Sentinel runs no vipctl hook here/) })]);
    expect(await checkSentinelEnvironment(ctx)).toEqual([]);
    expect(await checkWatcher(ctx)).toEqual([expect.objectContaining({ check: 'capabilities (the watcher, pid 4321)', status: 'pass' })]);
  });

  it("the watcher's own capabilities are checked (a unit without AmbientCapabilities fails)", async () => {
    const ctx = fakeContext({ watcher: { recorded: 4321, running: 4321 }, status: { '4321': CAPS_NONE } });
    expect(await checkWatcher(ctx)).toEqual([expect.objectContaining({ status: 'fail', detail: 'missing CAP_NET_ADMIN and CAP_NET_RAW' })]);
  });

  it("hook mode: the local Sentinel's capabilities are checked, and fail without them", async () => {
    const ctx = fakeContext({ script: OUR_BIN, ss: sentinelListening(777), status: { '777': CAPS_NONE } });
    expect((await checkMode(ctx))[0]).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^the hook \(client-reconfig-script of the local Sentinel 10\.0\.0\.11:26379 is this vipctl, for mymaster\)/) });
    const env = await checkSentinelEnvironment(ctx);
    expect(env.find((r) => r.check.startsWith('capabilities'))).toMatchObject({ check: 'capabilities (Sentinel pid 777, which runs the hook)', status: 'fail' });
    expect(await checkWatcher(ctx)).toEqual([]);
  });

  it("the package's relayed hook: Sentinel needs no capability (the helper holds them), so none is asked of it", async () => {
    // before: the package's hook executable was "not this vipctl", and the hook's checks asked Sentinel for CAP_NET_ADMIN
    const ctx = fakeContext({ script: '/usr/lib/vipctl/vipctl-hook', packaged: true, helperListening: true, ss: sentinelListening(777), status: { '777': CAPS_NONE } });
    expect((await checkMode(ctx))[0]).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^the hook \(.* is this vipctl, for mymaster, relayed to the hook helper at \/run\/vipctl-hook\/hook\.sock\)/) });
    const env = await checkSentinelEnvironment(ctx);
    expect(env.map((r) => r.status)).toEqual(['pass', 'pass']);
    expect(env[1]).toMatchObject({ check: 'capabilities (Sentinel, which runs the hook)', detail: expect.stringMatching(/^not needed: \/usr\/lib\/vipctl\/vipctl-hook relays to the hook helper/) });
  });

  it("the package's hook without its helper: a warning that says so, and Sentinel's missing capabilities fail with the helper as the fix", async () => {
    const ctx = fakeContext({ script: '/usr/lib/vipctl/vipctl-hook', packaged: true, helperListening: false, ss: sentinelListening(777), status: { '777': CAPS_NONE } });
    const env = await checkSentinelEnvironment(ctx);
    expect(env.find((r) => r.check === 'hook helper')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^no socket at \/run\/vipctl-hook\/hook\.sock: vipctl-hook\.socket does not listen/), fix: expect.stringMatching(/^systemctl enable --now vipctl-hook\.socket/) });
    expect(env.find((r) => r.check.startsWith('capabilities'))).toMatchObject({ status: 'fail', fix: expect.stringMatching(/^systemctl enable --now vipctl-hook\.socket/) });
    // with the capabilities (the drop-in of the git install), only the warning remains
    const withCaps = fakeContext({ script: '/usr/lib/vipctl/vipctl-hook', packaged: true, ss: sentinelListening(777), status: { '777': CAPS_NET } });
    expect((await checkSentinelEnvironment(withCaps)).map((r) => r.status)).toEqual(['pass', 'warn', 'pass']);
  });

  it("the package's hook under V8 flags in Sentinel's NODE_OPTIONS fails (the snapshot would not load)", async () => {
    const ctx = fakeContext({ script: '/usr/lib/vipctl/vipctl-hook', packaged: true, helperListening: true, ss: sentinelListening(777), env: { NODE_OPTIONS: '--max-semi-space-size=2' } });
    expect((await checkSentinelEnvironment(ctx)).find((r) => r.check === "Sentinel's NODE_OPTIONS")).toMatchObject({ status: 'fail', detail: expect.stringMatching(/NODE_OPTIONS=--max-semi-space-size=2: .* V8 startup snapshot/) });
    const clean = fakeContext({ script: '/usr/lib/vipctl/vipctl-hook', packaged: true, helperListening: true, ss: sentinelListening(777) });
    expect((await checkSentinelEnvironment(clean)).some((r) => r.check === "Sentinel's NODE_OPTIONS")).toBe(false);
  });

  it("from git, the package's hook executable is not this vipctl", async () => {
    const ctx = fakeContext({ script: '/usr/lib/vipctl/vipctl-hook', helperListening: true });
    expect((await checkMode(ctx))[0]).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^neither/) });
  });

  it('as the service user: says it cannot see Sentinel\'s process and why, never "no Sentinel of the config listens here"', async () => {
    const line = sentinelListening(777);
    const ctx = fakeContext({ script: OUR_BIN, euid: 999, hidden: HIDEPID, ss: { plain: line.plain, withPids: line.plain } });
    const env = await checkSentinelEnvironment(ctx);
    const text = JSON.stringify(env);
    expect(text).not.toContain('no Sentinel of the config listens here');
    expect(env.find((r) => r.check.startsWith('capabilities'))).toMatchObject({ status: 'warn', detail: expect.stringMatching(/cannot see its process: \/proc is mounted hidepid=invisible/) });
  });

  it('as the service user with a watcher it cannot see: a warning that says why, not "nothing moves the VIP"', async () => {
    const ctx = fakeContext({ watcher: { recorded: 4321, running: null }, euid: 1000, hidden: HIDEPID });
    expect((await checkMode(ctx))[0]).toMatchObject({ status: 'warn', detail: expect.stringMatching(/watch\.pid names pid 4321, which this user cannot see: \/proc is mounted hidepid=invisible/) });
    expect(await checkWatcher(ctx)).toEqual([]);
  });

  it('both, and neither', async () => {
    const both = fakeContext({ script: OUR_BIN, watcher: { recorded: 1, running: 4321 } });
    expect((await checkMode(both))[0]).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^both: the watcher \(pid 4321\) and the hook/) });
    const neither = fakeContext({ script: '/usr/local/bin/other' });
    expect((await checkMode(neither))[0]).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^neither a watcher nor a hook/) });
    expect(await checkSentinelUnit(neither)).toEqual([]);
  });

  it("this process's own capabilities: a warning for a user without them (doctor and status need none)", async () => {
    const ctx = fakeContext({ euid: 999, status: { self: CAPS_NONE } });
    expect(await checkOwnCaps(ctx)).toEqual([expect.objectContaining({ status: 'warn', detail: expect.stringMatching(/uid 999.*bind, unbind and reconcile by hand need them/) })]);
    expect((await checkOwnCaps(fakeContext()))[0]!.status).toBe('pass');
  });
});

describe('what this user can see of /proc', () => {
  it('hidepid from /proc/self/mountinfo; root sees everything', () => {
    const info = '22 1 0:5 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw,hidepid=invisible\n';
    expect(procMountOptions(info)).toBe('rw,nosuid,nodev,noexec,relatime,rw,hidepid=invisible');
    expect(procHiddenReason(999, procMountOptions(info))).toMatch(/hidepid=invisible .* uid 999, not root/);
    expect(procHiddenReason(0, procMountOptions(info))).toBeNull();
    expect(procHiddenReason(999, 'rw,relatime')).toBeNull();
  });

  it('judgeMode never claims a hook for a Sentinel elsewhere when the local one is known', () => {
    const r = judgeMode({ watcher: { recorded: null, running: null }, hidden: null, hook: [{ sentinel: '10.0.0.12:26379', master: 'm' }], localSentinel: '10.0.0.11:26379' });
    expect(r.detail).toMatch(/^neither/);
  });
});
