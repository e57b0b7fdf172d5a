/**
 * One TLS lab (`lab up --tls`: TLS-only Redis and Sentinels that want a
 * client certificate; vipctl talks to the Sentinels as the least-privilege
 * ACL user every lab has) shared by every test here: status, doctor,
 * reconcile, the hook and watch through a failover; then what an operator
 * sees with a wrong CA, a missing TLS file, and a user missing a channel.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import { waitFor, type Lab } from '../../src/lab/lab';
import { makeCa } from '../../src/lab/tls';
import { LAB_MASTER_NAME, SENTINEL_PORT, type LabHost } from '../../src/lab/topology';
import { aclUserLine } from '../../src/core/acl';
import { WATCH_CHANNELS } from '../../src/core/watch/channels';
import { configVariant, describeLab, parseLog, upLab } from './support';
import { killPid, nodeLog, replicasInSync, newMasterWithVip, settledOn, waitExit, watchersSubscribed } from './watch-support';

/** `vipctl watch` on a node for `seconds`, with another config; its JSON lines (stderr). */
async function watchFor(lab: Lab, n: LabHost, config: string, seconds: number): Promise<Array<Record<string, unknown>>> {
  const r = await lab.exec(n, ['timeout', '-s', 'TERM', String(seconds), lab.hookPath, 'watch'], { env: { ...lab.nodeEnv(n), VIPCTL_CONFIG: config, VIPCTL_LOG_FILE: '' }, timeoutMs: (seconds + 10) * 1000 });
  return parseLog(r.stderr);
}

describeLab('TLS Sentinels and Redis, and the least-privilege ACL user (root)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await upLab({ mode: 'hook', tls: true });
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('the lab speaks TLS only: a plain connection gets no answer', async () => {
    const r = await run(['ip', 'netns', 'exec', lab.topo.client.ns, 'redis-cli', '-h', lab.topo.nodes[0]!.ip, '-p', String(SENTINEL_PORT), 'PING'], { timeoutMs: 5000 });
    expect(r.stdout).not.toMatch(/PONG/);
    expect((await lab.redisCli(lab.topo.nodes[0]!.ip, SENTINEL_PORT, ['PING'])).stdout).toBe('PONG');
  });

  it('status through TLS, as the ACL user: every Sentinel answers, ROLE read over TLS, ok on the master and a replica', async () => {
    const master = await settledOn(lab, 20_000);
    const replica = lab.topo.nodes.find((n) => n !== master)!;
    for (const n of [master, replica]) {
      const r = await lab.vipctl(n, ['status', '--json']);
      expect(r.exitCode, r.stderr).toBe(0);
      const m = (JSON.parse(r.stdout) as { masters: Array<Record<string, any>> }).masters[0]!;
      expect(m).toMatchObject({ verdict: 'ok', sentinelsAgreeing: 3, sentinelsTotal: 3, sentinelMaster: `${master.ip}:6379`, localIsMaster: n === master });
      expect(m.localRedis.role).toBe(n === master ? 'master' : 'slave');
    }
  });

  it('doctor passes through TLS and prints the ACL user line for the configured user', async () => {
    const r = await lab.vipctl(lab.topo.nodes[1]!, ['doctor']);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/PASS +tls files +sentinel\.tls, redis\.tls: every file named reads as PEM/);
    for (const n of lab.topo.nodes) expect(r.stdout).toMatch(new RegExp(`PASS +sentinel ACL ${n.ip}:26379 \\(user vipctl\\)`));
    // the line, with the password as its sha256: exactly what the lab's sentinel.conf grants
    const note = /note: least privilege: (user vipctl on #[0-9a-f]{64} .*)/.exec(r.stdout)![1]!;
    expect(note.replace(/#[0-9a-f]{64}/, '>lab-sentinel-secret')).toBe(aclUserLine('vipctl', '>lab-sentinel-secret'));
  });

  it('reconcile through TLS removes a stale copy from a replica', async () => {
    const master = await settledOn(lab, 20_000);
    const replica = lab.topo.nodes.find((n) => n !== master)!;
    await run(['ip', '-n', replica.ns, 'addr', 'add', lab.topo.vipCidr, 'dev', replica.ifname]);
    const r = await lab.vipctl(replica, ['reconcile']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(parseLog(r.stderr).find((l) => l.event === 'unbind')?.reason).toMatch(/3\/3 sentinels agree/);
    expect(await lab.vipHolders()).toEqual([master]);
  });

  it('a SENTINEL FAILOVER with the hook and watch: watch hears the events over TLS as the ACL user and reads ROLE over TLS; the VIP follows', async () => {
    const old = await settledOn(lab, 20_000);
    await replicasInSync(lab, old);
    const pids = await Promise.all(lab.topo.nodes.map((n) => lab.startWatch(n)));
    try {
      await watchersSubscribed(lab);
      const since = Date.now();
      await lab.failover('sentinel');
      const next = await newMasterWithVip(lab, old, 40_000);
      await waitFor('the hook to run on the new master', async () => nodeLog(lab, next).some((l) => l.cmd === 'hook' && Date.parse(String(l.time)) >= since), 20_000, 100);
      const log = nodeLog(lab, next).filter((l) => l.cmd === 'watch' && Date.parse(String(l.time)) >= since);
      // the ROLE poll starts on +selected-slave (or a later failover event): events came through the subscription
      expect(log.find((l) => l.event === 'poll-role')?.trigger).toMatch(/^\+/);
      expect(log.some((l) => l.event === 'role-master')).toBe(true); // ROLE answered over redis.tls
      expect(nodeLog(lab, old).some((l) => l.event === 'sentinel-acl')).toBe(false);
      expect(await lab.vipHolders()).toEqual([next]);
    } finally {
      pids.forEach((p) => killPid(p, 'SIGTERM'));
      await Promise.all(pids.map((p) => waitExit(p)));
    }
  });

  it('a wrong CA: status, doctor and watch say the certificate was not trusted (not "Connection is closed")', async () => {
    const other = await makeCa(join(lab.dir, 'other'), 'other-ca');
    const cfg = configVariant(lab, 'wrong-ca', (y) => y.replaceAll(join(lab.tlsDir!, 'ca.pem'), other.cert));
    const n = lab.topo.nodes[2]!;
    const status = await lab.vipctl(n, ['status', '--json'], { VIPCTL_CONFIG: cfg });
    expect(status.exitCode).toBe(1);
    const answers = (JSON.parse(status.stdout) as { masters: Array<{ answers: Array<{ error?: string }> }> }).masters[0]!.answers;
    expect(answers).toHaveLength(3);
    for (const a of answers) expect(a.error).toMatch(/^TLS: the server's certificate was not trusted \(SELF_SIGNED_CERT_IN_CHAIN.*set sentinel\.tls\.ca/);
    expect(status.stdout).not.toMatch(/Connection is closed/i);

    const doctor = await lab.vipctl(n, ['doctor'], { VIPCTL_CONFIG: cfg });
    expect(doctor.exitCode).toBe(1);
    expect(doctor.stdout).toMatch(/FAIL +sentinel 198\.18\.0\.11:26379 \(mymaster\) +TLS: the server's certificate was not trusted \(SELF_SIGNED_CERT_IN_CHAIN[^\n]*\n +fix: set sentinel\.tls\.ca to the CA that signed it/);

    const lines = await watchFor(lab, n, cfg, 3);
    const down = lines.filter((l) => l.event === 'sentinel-down');
    expect(new Set(down.map((l) => l.sentinel)).size).toBe(3);
    for (const l of down) expect(l.reason).toMatch(/^TLS: the server's certificate was not trusted/);
    expect(down).toHaveLength(3); // once per Sentinel, not once per retry
    // started by hand (bin/vipctl watch, no V8 options): it says what the unit would have given it
    expect(lines.find((l) => l.event === 'v8-options')).toMatchObject({ level: 'warn', missing: ['--optimize-for-size', '--max-semi-space-size=2'] });
  });

  it('a missing TLS file is exit 2 naming the key; the hook, which never connects, still runs', async () => {
    const cfg = configVariant(lab, 'missing-file', (y) => y.replace(join(lab.tlsDir!, 'client.key'), join(lab.dir, 'nope.key')));
    const n = lab.topo.nodes[2]!;
    const r = await lab.vipctl(n, ['reconcile'], { VIPCTL_CONFIG: cfg });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`sentinel.tls.key: cannot read ${join(lab.dir, 'nope.key')}: ENOENT`);
    const master = await settledOn(lab, 20_000);
    const hook = await lab.vipctl(n, [LAB_MASTER_NAME, 'observer', 'start', master.ip, '6379', master.ip, '6379'], { VIPCTL_CONFIG: cfg });
    expect(hook.exitCode, hook.stderr).toBe(0);
  });

  it('a user without one channel: watch says which and the fix, once per Sentinel; doctor fails it with the user line', async () => {
    const granted = WATCH_CHANNELS.filter((c) => c !== '+switch-master').map((c) => `&${c}`);
    for (const s of lab.topo.nodes) {
      const r = await lab.redisCli(s.ip, SENTINEL_PORT, ['ACL', 'SETUSER', 'nochan', 'on', '>nochan-pw', 'resetchannels', '-@all', '+ping', '+sentinel|get-master-addr-by-name', '+sentinel|masters', '+sentinel|master', '+subscribe', ...granted]);
      expect(r.stdout).toBe('OK');
    }
    const cfg = configVariant(lab, 'nochan', (y) => y.replace('username: vipctl', 'username: nochan').replace('password: lab-sentinel-secret', 'password: nochan-pw'));
    const n = lab.topo.nodes[2]!;
    const lines = await watchFor(lab, n, cfg, 3);
    const acl = lines.filter((l) => l.event === 'sentinel-acl');
    expect(acl).toHaveLength(3);
    for (const l of acl) {
      expect(l).toMatchObject({ user: 'nochan', missing: ['&+switch-master'], fix: 'ACL SETUSER nochan &+switch-master' });
      expect(l.msg).toMatch(/user nochan may not subscribe \(&\+switch-master missing: NOPERM.*watch misses those events/);
    }
    expect(lines.filter((l) => l.event === 'sentinel-up')).toHaveLength(3); // the other channels are subscribed

    const doctor = await lab.vipctl(n, ['doctor'], { VIPCTL_CONFIG: cfg });
    expect(doctor.exitCode).toBe(1);
    expect(doctor.stdout).toMatch(/FAIL +sentinel ACL 198\.18\.0\.11:26379 \(user nochan\) +NOPERM for &\+switch-master \(NOPERM[^\n]*: watch would miss those events\n +fix: on every Sentinel: ACL SETUSER nochan &\+switch-master \(and in sentinel\.conf, so it survives a restart, the whole user: user nochan on #[0-9a-f]{64} resetchannels -@all /);
  });
});
