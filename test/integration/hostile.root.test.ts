/**
 * Hostile input and other local users (issue #9), against the real lab (root).
 * The attacker parts run unprivileged, as uid 65534, inside the lab host's
 * network namespace: `ip netns exec NS setpriv --reuid=65534 ...`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run, type RunResult } from '../../src/adapters/run';
import { Lab, repoRoot, waitFor } from '../../src/lab/lab';
import { createLabDir, writeLabState } from '../../src/lab/state';
import { startTime } from '../../src/adapters/proc';
import type { LabHost } from '../../src/lab/topology';
import { configVariant, describeLab, parseLog, upLab } from './support';

const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
const VIP_ARGS = (to: string): string[] => ['mymaster', 'leader', 'start', '198.18.0.12', '6379', to, '6379'];

/** A long-running process as uid 65534 in a host's namespace; resolves once it printed `ready`. */
async function attacker(host: LabHost, script: string): Promise<{ child: ChildProcess; said: string }> {
  const child = spawn('ip', ['netns', 'exec', host.ns, ...NOBODY, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let said = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      said += d.toString();
      if (said.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`attacker exited ${code}: ${said}`)));
  });
  return { child, said };
}

/** One unprivileged command in a host's namespace. */
function asNobody(host: LabHost, argv: string[]): Promise<RunResult> {
  return run(['ip', 'netns', 'exec', host.ns, ...NOBODY, ...argv]);
}

function oneLine(r: RunResult): Record<string, unknown> {
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describeLab('hostile input and other local users (root; attackers as uid 65534)', () => {
  let lab: Lab;
  let n1: LabHost;
  beforeAll(async () => {
    lab = await upLab({ mode: 'hook' });
    n1 = lab.host('n1');
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('another user can neither squat nor hold the per-VIP lock: the hook does not wait', async () => {
    const runDir = lab.nodeEnv(n1).VIPCTL_RUN_DIR!;
    expect((await lab.vipctl(n1, VIP_ARGS(n1.ip))).exitCode).toBe(0); // lock file exists now
    const lockFile = join(runDir, 'locks', `vip-${lab.topo.vip}.lock`);
    expect(statSync(join(runDir, 'locks')).mode & 0o777).toBe(0o700);
    // the old lock's name (abstract socket) bound first, and the lock file tried
    const squat = await attacker(
      n1,
      `const net = require('net'), fs = require('fs');
       let open = 'opened';
       try { fs.openSync(${JSON.stringify(lockFile)}, 'r'); } catch (e) { open = e.code; }
       net.createServer().listen('\\0vipctl/vip-${lab.topo.vip}', () => process.stdout.write('open:' + open + ' ready\\n'));
       setInterval(() => {}, 1000);`,
    );
    try {
      expect(squat.said).toContain('open:EACCES');
      const started = performance.now();
      const r = await lab.vipctl(n1, VIP_ARGS(n1.ip));
      expect(r.exitCode, r.stderr).toBe(0);
      expect(performance.now() - started).toBeLessThan(5000); // lockTimeoutMs is 10 s: it did not wait for it
      expect(parseLog(r.stderr).some((l) => l.lockWaitMs !== undefined)).toBe(false);
    } finally {
      squat.child.kill('SIGKILL');
    }
  });

  it('another user cannot plant files where root writes; a planted log symlink is not followed and the failover still happens', async () => {
    const env = lab.nodeEnv(n1);
    for (const dir of [env.VIPCTL_RUN_DIR!, join(env.VIPCTL_RUN_DIR!, 'locks')]) {
      const r = await asNobody(n1, ['ln', '-s', '/etc/shadow', join(dir, 'planted')]);
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toMatch(/Permission denied/);
    }
    // a log file in a directory everybody can write: nobody plants a symlink to a root-only file
    const shared = join(lab.dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const victim = join(lab.dir, 'victim');
    writeFileSync(victim, 'root only\n', { mode: 0o600 });
    expect((await asNobody(n1, ['ln', '-s', victim, join(shared, 'vipctl.log')])).exitCode).toBe(0);
    const r = await lab.vipctl(n1, VIP_ARGS(n1.ip), { VIPCTL_LOG_FILE: join(shared, 'vipctl.log') });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('root only\n');
    expect(parseLog(r.stderr)[0]).toMatchObject({ level: 'warn', event: 'log-file-error', msg: expect.stringMatching(/shared: has mode 1777 .*logging to stderr only/) });
    expect(await lab.vipHolders()).toEqual([n1]);
  });

  it('a run dir owned by another user is refused before anything changes (exit 2, naming runDir and the fix)', async () => {
    const theirs = join(lab.dir, 'theirs');
    mkdirSync(theirs);
    await run(['chown', '65534:65534', theirs]);
    const r = await lab.vipctl(lab.host('n2'), VIP_ARGS(lab.host('n2').ip), { VIPCTL_RUN_DIR: theirs, VIPCTL_LOG_FILE: '' });
    expect(r.exitCode).toBe(2);
    expect(oneLine(r)).toMatchObject({ code: 'CONFIG', key: 'runDir', msg: expect.stringMatching(/theirs: is owned by uid 65534, which is neither root nor a member of group vipctl.*chown root:vipctl \S*theirs && chmod 2770/) });
    expect(await lab.vipHolders()).toEqual([n1]);
  });

  it('a loopback, link-local, unspecified or multicast <to-ip> is exit 2 on every node, and nothing moves', async () => {
    for (const to of ['127.0.0.1', '::1', 'fe80::1', '0.0.0.0', '224.0.0.18']) {
      for (const n of lab.topo.nodes) {
        const r = await lab.vipctl(n, VIP_ARGS(to));
        expect(r.exitCode, `${to} on ${n.name}`).toBe(2);
        expect(oneLine(r)).toMatchObject({ key: 'to-ip', msg: expect.stringMatching(/names no single host/) });
      }
    }
    expect(await lab.vipHolders()).toEqual([n1]);
  });

  it('reconcile: a master named by a host name that does not resolve is unknown, never "elsewhere"; DEBUG=* does not print the Sentinel password', async () => {
    const ports = [26391, 26392, 26393];
    const received = join(lab.dir, 'fake-sentinel-commands.jsonl');
    const fakes = await Promise.all(
      ports.map(
        (port) =>
          new Promise<ChildProcess>((resolve, reject) => {
            const c = spawn('ip', ['netns', 'exec', n1.ns, process.execPath, join(repoRoot(), 'test/fixtures/fake-sentinel.mjs'), '127.0.0.1', String(port), 'n1.lab.test', '6379', received], { stdio: ['ignore', 'pipe', 'inherit'] });
            c.stdout!.once('data', () => resolve(c));
            c.once('exit', (code) => reject(new Error(`fake sentinel exited ${code}`)));
          }),
      ),
    );
    try {
      const config = configVariant(lab, 'hostnames', (y) => y.replace(/addresses: \[.*\]/, `addresses: [${ports.map((p) => `127.0.0.1:${p}`).join(', ')}]`));
      // on n1, which holds the VIP: "elsewhere" would plan ip addr del
      const secret = `s3cret-${process.pid}`;
      const r = await lab.vipctl(n1, ['--config', config, 'reconcile', '--dry-run'], { DEBUG: '*', NODE_DEBUG: 'net', VIPCTL_SENTINEL_PASSWORD: secret });
      expect(r.exitCode, r.stderr).toBe(1);
      // NODE_DEBUG is acted on by node itself before vipctl starts (its "NET ..." lines carry no payload)
      const plan = parseLog(r.stderr.split('\n').filter((l) => l.startsWith('{')).join('\n')).find((l) => l.event === 'plan');
      expect(plan).toMatchObject({ is: 'bound on eth0', mustBe: 'unknown', plan: [] });
      // the name resolves nowhere in n1's namespace: unknown, never "elsewhere"
      expect(String(plan!.reason)).toMatch(/master n1\.lab\.test:6379 is a host name that does not resolve \(or not in time\).*\(3\/3 sentinels agree\)/);
      // the password went to the Sentinels (AUTH) and nowhere else
      expect(readFileSync(received, 'utf8')).toContain(`"AUTH","vipctl","${secret}"`); // AUTH <the lab's ACL user> <password>
      expect(r.stderr).not.toContain(secret);
      expect(r.stdout).not.toContain(secret);
      expect(readFileSync(lab.logFile(n1), 'utf8')).not.toContain(secret);
    } finally {
      for (const f of fakes) f.kill('SIGKILL');
    }
    expect(await lab.vipHolders()).toEqual([n1]);
  });

  it('a fake ip first on PATH (and "." on PATH) is not run', async () => {
    const fake = mkdtempSync(join(lab.dir, 'fake-'));
    const marker = join(fake, 'ran');
    writeFileSync(join(fake, 'ip'), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    const n2 = lab.host('n2');
    const r = await lab.exec(n2, ['sh', '-c', `cd ${fake} && exec "$@"`, 'sh', lab.hookPath, ...VIP_ARGS(n1.ip)], { env: { ...lab.nodeEnv(n2), PATH: `${fake}:.:/usr/bin:/bin` } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(parseLog(r.stderr).find((l) => l.event === 'noop')).toMatchObject({ mustBe: 'unbound' });
  });

  it('a config file others can write is refused (exit 2) and nothing moves', async () => {
    const config = join(lab.dir, 'open.yaml');
    writeFileSync(config, readFileSync(lab.configPath, 'utf8'));
    chmodSync(config, 0o666);
    const n2 = lab.host('n2');
    const r = await lab.vipctl(n2, VIP_ARGS(n2.ip), { VIPCTL_CONFIG: config });
    expect(r.exitCode).toBe(2);
    expect(oneLine(r)).toMatchObject({ code: 'CONFIG', msg: expect.stringMatching(/refusing config: .*open\.yaml is writable by group or others \(mode 0666\)/) });
    expect(await lab.vipHolders()).toEqual([n1]);
  });

  it('lab down refuses a state file planted by another user in a shared --dir: no kill, no namespace or directory removed', async () => {
    const base = mkdtempSync(join(lab.dir, 'shared-labs-'));
    chmodSync(base, 0o1777);
    const precious = mkdtempSync(join(lab.dir, 'root-only-'));
    chmodSync(precious, 0o700);
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    const foreignNs = `vt-foreign-${process.pid}`;
    await run(['ip', 'netns', 'add', foreignNs]);
    try {
      const state = { id: 'x1', dir: precious, mode: 'hook', createdAt: 'x', namespaces: [foreignNs], pids: [{ host: 'n1', what: 'redis', pid: sleeper.pid, startTime: null }] };
      expect((await asNobody(n1, ['mkdir', join(base, 'x1')])).exitCode).toBe(0);
      expect((await asNobody(n1, [process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(join(base, 'x1', 'state.json'))}, ${JSON.stringify(JSON.stringify(state))})`])).exitCode).toBe(0);
      const cli = join(repoRoot(), 'bin', 'vipctl');
      const r = await run([process.execPath, cli, 'lab', 'down', '--id', 'x1', '--dir', base]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^vipctl: lab: refusing .*shared-labs-\w+: has mode 1777/)]);
      await new Promise((res) => setTimeout(res, 200));
      expect(sleeper.exitCode).toBeNull();
      expect(sleeper.signalCode).toBeNull();
      expect((await run(['ip', 'netns', 'list'])).stdout).toContain(foreignNs);
      expect(existsSync(precious)).toBe(true);

      // ids are checked before anything touches the disk; a clean line, no stack trace
      const up = await run([process.execPath, cli, 'lab', 'up', '--id', '../x', '--dir', join(lab.dir, 'fresh')]);
      expect(up.exitCode).toBe(2);
      expect(up.stderr).toMatch(/lab id must be 1-12 lowercase letters\/digits/);
      expect(up.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(lab.dir, 'fresh'))).toBe(false);
      expect(existsSync(join(lab.dir, 'x'))).toBe(false);
    } finally {
      sleeper.kill('SIGKILL');
      await run(['ip', 'netns', 'del', foreignNs]);
    }
  });

  it('lab down kills a recorded pid only while its start time matches, and deletes only the namespaces named for the id', async () => {
    const base = mkdtempSync(join(lab.dir, 'own-labs-'));
    const reused = spawn('sleep', ['60'], { stdio: 'ignore' }); // "the pid was reused by another process"
    const ours = spawn('sleep', ['60'], { stdio: 'ignore' });
    await Promise.all([reused, ours].map((c) => new Promise((r) => c.once('spawn', r))));
    const foreignNs = `vt-listed-${process.pid}`;
    await run(['ip', 'netns', 'add', foreignNs]);
    try {
      const dir = createLabDir(base, 'y2');
      writeLabState({
        id: 'y2',
        dir,
        mode: 'none',
        createdAt: 'x',
        namespaces: [foreignNs],
        pids: [
          { host: 'n1', what: 'redis', pid: reused.pid!, startTime: String(Number(startTime(reused.pid!)) - 1) },
          { host: 'n2', what: 'redis', pid: ours.pid!, startTime: startTime(ours.pid!) },
        ],
      });
      await Lab.load('y2', base).down();
      await waitFor('our recorded process to be killed', async () => ours.signalCode === 'SIGKILL', 5000);
      expect(reused.exitCode).toBeNull();
      expect(reused.signalCode).toBeNull();
      expect((await run(['ip', 'netns', 'list'])).stdout).toContain(foreignNs);
      expect(existsSync(dir)).toBe(false);
    } finally {
      reused.kill('SIGKILL');
      ours.kill('SIGKILL');
      await run(['ip', 'netns', 'del', foreignNs]);
    }
  });
});
