/**
 * `vipctl doctor` on a lab node (root): all pass on a healthy node; it
 * catches a Redis bound to the node address only, and a missing arping
 * (hidden in a private mount namespace for one process: the real binary is
 * never changed).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ok, run } from '../../src/adapters/run';
import { findOnPath } from '../../src/adapters/host';
import { waitFor, type Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { describeLab, upLab } from './support';

const WITHOUT_FILE = fileURLToPath(new URL('../fixtures/without-file.mjs', import.meta.url));

/** Doctor's result lines as [RESULT, CHECK...DETAIL] pairs. */
function lines(stdout: string, status: 'PASS' | 'WARN' | 'FAIL'): string[] {
  return stdout.split('\n').filter((l) => l.startsWith(`${status} `));
}

describeLab('doctor in a lab with the hook (root)', () => {
  let lab: Lab;
  let n1: LabHost, n2: LabHost;
  beforeAll(async () => {
    lab = await upLab({ mode: 'hook' }); // only a failover moves the VIP: nothing undoes what a test does by hand
    [n1, n2] = [lab.host('n1'), lab.host('n2')];
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('a healthy node: every check passes, one line each, exit 0', async () => {
    const r = await lab.vipctl(n1, ['doctor']);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(lines(r.stdout, 'FAIL')).toEqual([]);
    const passed = lines(r.stdout, 'PASS').join('\n');
    for (const check of [/ ip /, / arping +arping from iputils/, /capabilities \(this process\)/, / config /, /interface eth0 \(mymaster\)/, /VIP subnet \(mymaster\)/,
      /sentinel 198\.18\.0\.1[123]:26379 \(mymaster\) +reachable/, /failover hook 198\.18\.0\.11:26379 \(mymaster\) +client-reconfig-script is /, /node on Sentinel's PATH/,
      /capabilities \(Sentinel pid \d+/, /redis 198\.18\.0\.11:6379 \(mymaster\) +answers ROLE: master/, /redis listens on the VIP \(:6379\) +listening on 0\.0\.0\.0/, /log file/, /run dir/]) {
      expect(passed).toMatch(check);
    }
    expect(passed).toMatch(/sentinel ACL 198\.18\.0\.11:26379 \(user vipctl\) +may run ping/);
    // the only warning: the lab's namespaces have no systemd, so Debian's unit is not checked (said, not failed)
    expect(lines(r.stdout, 'WARN')).toEqual([expect.stringMatching(/^WARN +redis-sentinel\.service +not checked: systemctl show failed/)]);
    expect(r.stdout).toMatch(/^\d+ passed, 1 warning\(s\), 0 failed$/m);
  });

  it('catches a Redis listening on its node address only (it would not answer on the VIP), with the fix', async () => {
    const set = await lab.redisCli(n2.ip, 6379, ['CONFIG', 'SET', 'bind', n2.ip], 3000);
    expect(set.stdout).toBe('OK');
    try {
      const r = await lab.vipctl(n2, ['doctor']);
      expect(r.exitCode, r.stdout).toBe(1);
      const failed = lines(r.stdout, 'FAIL');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatch(/redis listens on the VIP \(:6379\) +listening on 198\.18\.0\.12 only: it will not answer on 198\.18\.0\.100/);
      expect(r.stdout).toMatch(/fix: bind 0\.0\.0\.0 in redis\.conf/);
      // without ss, doctor asks Redis itself (CONFIG GET bind) and finds the same
      const ss = realpathSync(findOnPath('ss', process.env.PATH ?? '')!);
      const noSs = await lab.exec(n2, ['unshare', '-m', '--propagation', 'private', process.execPath, WITHOUT_FILE, ss, lab.hookPath, 'doctor'], { env: lab.nodeEnv(n2), timeoutMs: 30_000 });
      expect(noSs.exitCode, noSs.stdout).toBe(1);
      expect(lines(noSs.stdout, 'FAIL')).toEqual([expect.stringMatching(/redis listens on the VIP \(:6379\) +listening on 198\.18\.0\.12 only/)]);
    } finally {
      await lab.redisCli(n2.ip, 6379, ['CONFIG', 'SET', 'bind', '0.0.0.0'], 3000);
    }
    await waitFor('doctor to pass again on n2', async () => (await lab.vipctl(n2, ['doctor'])).exitCode === 0, 10_000, 200);
  });

  it('catches a missing arping (hidden for doctor alone in a private mount namespace)', async () => {
    const arping = realpathSync(findOnPath('arping', process.env.PATH ?? '')!);
    const r = await lab.exec(n1, ['unshare', '-m', '--propagation', 'private', process.execPath, WITHOUT_FILE, arping, lab.hookPath, 'doctor'], { env: lab.nodeEnv(n1), timeoutMs: 30_000 });
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(1);
    const failed = lines(r.stdout, 'FAIL');
    expect(failed).toHaveLength(1);
    // /dev/null bound over it: vipctl refuses anything but a root-owned regular file
    expect(failed[0]).toMatch(new RegExp(`^FAIL +arping +cannot run arping: ${arping.replaceAll('/', '\\/')} is not a regular file; vipctl runs arping only from `));
    expect(r.stdout).toMatch(/fix: apt-get install iputils-arping/);
    // only that process saw it: the real arping is there for everyone else
    const real = await run(['arping', '-V']);
    expect(ok(real)).toBe(true);
    expect(real.stdout + real.stderr).toMatch(/iputils/);
  });

  it('uses the config\'s credentials: wrong passwords are caught by doctor, and status says localIsMaster is unknown', async () => {
    const redis = await lab.vipctl(n1, ['doctor'], { VIPCTL_REDIS_PASSWORD: 'wrong' });
    expect(redis.exitCode).toBe(1);
    expect(lines(redis.stdout, 'FAIL')).toEqual([expect.stringMatching(/^FAIL +redis 198\.18\.0\.11:6379 \(mymaster\) +ROLE failed: WRONGPASS/)]);
    expect(redis.stdout).toMatch(/fix: set redis\.password/);
    const s = await lab.vipctl(n1, ['status', '--json'], { VIPCTL_REDIS_PASSWORD: 'wrong' });
    const m = (JSON.parse(s.stdout) as { masters: Array<Record<string, unknown>> }).masters[0]!;
    expect(m).toMatchObject({ localIsMaster: null, verdict: 'ok', boundHere: true });
    expect((m.localRedis as { error: string }).error).toMatch(/WRONGPASS/);
    const sentinel = await lab.vipctl(n1, ['doctor'], { VIPCTL_SENTINEL_PASSWORD: 'wrong' });
    expect(sentinel.exitCode).toBe(1);
    expect(lines(sentinel.stdout, 'FAIL').filter((l) => /sentinel 198\.18\.0\.1[123]:26379 \(mymaster\) +authentication failed/.test(l))).toHaveLength(3);
  });
});
