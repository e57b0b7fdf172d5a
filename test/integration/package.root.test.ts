/**
 * The package on a bare system (root): `npm run package`'s .deb (or
 * $VIPCTL_TEST_DEB) installed with `apt-get install ./vipctl_*.deb` into a bare
 * Debian 12 root (debootstrap minbase: no Node, no compiler, no git; see
 * bare-root.ts), then that root's /usr/bin/vipctl run in the lab's namespaces
 * through chroot (LabOptions.vipctl): --version, doctor, the watcher on every
 * node through a SIGKILL failover, and the hook as Sentinel's
 * client-reconfig-script the package's way: /usr/lib/vipctl/vipctl-hook run
 * as `redis` with no capability, relaying to the helper (hook-helper.ts);
 * then remove and purge. The root sees the lab's files at the same path (a
 * bind mount) and /proc; every mount is undone in afterAll, also on failure.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Lab } from '../../src/lab/lab';
import { gitCommit } from '../../scripts/commit';
import { bareRoot, inRoot, mountIn, mountsUnder, unmountAll } from './bare-root';
import { describeLab, newMasterWithVip, parseLogFile, settledOn, TEST_LAB_DIR, upLab } from './support';
import { daemonSteps, parseService, serviceArgv, shellArgv, stepCommands } from './install-steps';
import { run, type RunResult } from '../../src/adapters/run';
import type { LabHost } from '../../src/lab/topology';
import { nodeLog, replicasInSync } from './watch-support';
import { hookCaps, hookDirsIn, hookErrors, packageDropInSyscalls, startHelpers, stopHelpers, unprivilegedHookArgv } from './hook-helper';
import { createServer } from 'node:net';
import type { ChildProcess } from 'node:child_process';

const REPO = new URL('../..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
const log = (line: string): void => void process.stderr.write(`package test: ${line}\n`);
// This file's labs live one level down in the test's lab dir, so that the bind
// mount of that dir into the root outlives each lab (down removes an empty base dir).
const LABS = join(TEST_LAB_DIR, 'pkg-root');
let builtCommit: string | null = null;

/** The .deb: $VIPCTL_TEST_DEB, else built now (dist/ is built by npm test / npm ci). */
function theDeb(): string {
  if (process.env.VIPCTL_TEST_DEB) return process.env.VIPCTL_TEST_DEB;
  log('npm run package');
  const started = Date.now();
  builtCommit = gitCommit(REPO);
  execFileSync(process.execPath, ['--import', 'tsx', join(REPO, 'scripts/package.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'], timeout: 20 * 60_000 });
  log(`packaged in ${Math.round((Date.now() - started) / 1000)} s`);
  return join(REPO, 'dist/pkg', `vipctl_${version}_amd64.deb`);
}

describeLab('the .deb on a bare Debian 12 root (root)', () => {
  let work: string | undefined;
  let root = '';
  let vipctl: string[] = [];
  let deb = '';
  let redis = { uid: -1, gid: -1 };
  const labs: Lab[] = [];
  let helpers: ChildProcess[] = [];

  beforeAll(async () => {
    deb = theDeb();
    const started = Date.now();
    ({ work, root } = bareRoot(log));
    log(`bare root ready in ${Math.round((Date.now() - started) / 1000)} s`);
    mountIn(join(root, 'proc'), ['-t', 'proc', 'proc']); // apt, and vipctl's /proc reads (announcer pids, Sentinel's environment)
    copyFileSync('/etc/resolv.conf', join(root, 'etc/resolv.conf'));
    copyFileSync(deb, join(root, 'tmp', 'vipctl.deb'));
    const t = Date.now();
    inRoot(root, ['apt-get', 'update', '-q']);
    inRoot(root, ['apt-get', 'install', '-y', '-q', '--no-install-recommends', './tmp/vipctl.deb']);
    log(`apt-get install in ${Math.round((Date.now() - t) / 1000)} s`);
    // Sentinel's user, as Debian's redis-sentinel package makes it
    inRoot(root, ['adduser', '--system', '--group', '--no-create-home', '--quiet', 'redis']);
    redis = { uid: Number(inRoot(root, ['id', '-u', 'redis']).trim()), gid: Number(inRoot(root, ['id', '-g', 'redis']).trim()) };

    // the lab's files at the same path inside the root
    mkdirSync(TEST_LAB_DIR, { recursive: true, mode: 0o755 });
    mountIn(join(root, TEST_LAB_DIR), ['--bind', TEST_LAB_DIR]);
    vipctl = ['chroot', root, '/usr/bin/vipctl'];
  }, 40 * 60_000);

  afterAll(async () => {
    stopHelpers(helpers);
    for (const lab of labs) await lab.down();
    if (work) {
      try {
        unmountAll(root);
      } finally {
        if (mountsUnder(root).length === 0) rmSync(work, { recursive: true, force: true });
      }
    }
  }, 120_000);

  it('installed with its dependencies only: no node, no compiler, no git in the root', () => {
    for (const dir of ['usr/bin', 'usr/local/bin', 'bin', 'usr/sbin']) {
      const names = existsSync(join(root, dir)) ? readdirSync(join(root, dir)) : [];
      expect(names.filter((n) => /^(node|nodejs|gcc|g\+\+|cc|make|git)$/.test(n)), dir).toEqual([]);
    }
    expect(() => inRoot(root, ['sh', '-c', 'command -v node'])).toThrow();
    expect(inRoot(root, ['dpkg-query', '-W', '-f=${Status}', 'vipctl'])).toBe('install ok installed');
    for (const dep of ['iproute2', 'iputils-arping']) expect(inRoot(root, ['dpkg-query', '-W', '-f=${Status}', dep])).toBe('install ok installed');
  });

  it('the maintainer scripts: the vipctl user, /etc/vipctl root:vipctl 0750, the log dir; nothing enabled or started; conffiles', () => {
    const user = inRoot(root, ['getent', 'passwd', 'vipctl']).trim().split(':');
    expect(Number(user[2])).toBeLessThan(1000); // a system user
    expect(user[6]).toBe('/usr/sbin/nologin');
    const gid = Number(inRoot(root, ['getent', 'group', 'vipctl']).split(':')[2]);
    const etc = statSync(join(root, 'etc/vipctl'));
    expect([etc.uid, etc.gid, etc.mode & 0o777]).toEqual([0, gid, 0o750]);
    const logDir = statSync(join(root, 'var/log/vipctl'));
    expect([logDir.uid, logDir.mode & 0o777]).toEqual([Number(user[2]), 0o750]);
    expect(readFileSync(join(root, 'lib/systemd/system/vipctl-watch.service'), 'utf8')).toMatch(/^ExecStart=\/usr\/bin\/vipctl watch$/m);
    expect(existsSync(join(root, 'etc/systemd/system/multi-user.target.wants/vipctl-watch.service'))).toBe(false);
    expect(existsSync(join(root, 'usr/share/vipctl/redis-sentinel.service.d/vipctl.conf'))).toBe(true);
    expect(existsSync(join(root, 'etc/systemd/system/redis-sentinel.service.d'))).toBe(false); // inactive
    for (const unit of ['vipctl-hook.socket', 'vipctl-hook@.service']) expect(existsSync(join(root, 'lib/systemd/system', unit)), unit).toBe(true);
    expect(existsSync(join(root, 'etc/systemd/system/sockets.target.wants/vipctl-hook.socket'))).toBe(false); // inactive
    expect(inRoot(root, ['dpkg-query', '-W', '-f=${Conffiles}', 'vipctl'])).toMatch(/^ \/etc\/vipctl\/vipctl\.yaml\.example [0-9a-f]{32}$/m);
    expect(existsSync(join(root, 'usr/share/man/man8/vipctl.8.gz'))).toBe(true);
  });

  it('lintian: clean, but for the overrides the package explains (packaging/lintian-overrides)', () => {
    if (!existsSync('/usr/bin/lintian')) throw new Error('lintian is needed (apt-get install lintian; .ci/run installs it)');
    const r = spawnSync('lintian', ['--fail-on', 'error,warning', '--display-level', '>=warning', deb], { encoding: 'utf8', timeout: 10 * 60_000 });
    expect(r.stdout.split('\n').filter((l) => /^[EW]: /.test(l)), r.stdout + r.stderr).toEqual([]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 15 * 60_000);

  it('--version names the version and the commit it was built from', () => {
    const shown = inRoot(root, ['/usr/bin/vipctl', '--version']).trim();
    if (builtCommit !== null) expect(shown).toBe(`${version} (commit ${builtCommit})`);
    else expect(shown).toMatch(new RegExp(`^${version.replace(/\./g, '\\.')} \\(commit [0-9a-f]{12}(-dirty)?\\)$`)); // $VIPCTL_TEST_DEB: built elsewhere
  });

  it('the watcher on every node, through a SIGKILL failover; doctor passes', async () => {
    const lab = await upLab({ mode: 'none', vipctl, baseDir: LABS });
    labs.push(lab);
    for (const n of lab.topo.nodes) await lab.startWatch(n);
    const first = await settledOn(lab, 30_000);
    for (const n of lab.topo.nodes) {
      const pid = lab.pidOf(n, 'watch')!;
      expect(readlinkSync(`/proc/${pid}/exe`)).toBe(join(root, 'usr/bin/vipctl')); // the root's executable, no node
      expect(nodeLog(lab, n).filter((l) => l.event === 'v8-options'), n.name).toEqual([]); // its V8 flags are set
    }
    const doctor = await lab.vipctl(first, ['doctor']);
    expect(doctor.exitCode, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/^PASS +what moves the VIP here +the watcher \(pid \d+\); Sentinel runs no vipctl hook here/m); // no hook checks in daemon mode
    expect(doctor.stdout).toMatch(/^(PASS|WARN) +run dir .* is writable by this user/m);

    await replicasInSync(lab, first);
    const f = await lab.failover('sigkill');
    expect(f.node).toBe(first);
    const next = await newMasterWithVip(lab, first, 40_000);
    expect(await lab.vipHolders()).toEqual([next]);
    expect(nodeLog(lab, next).some((l) => l.event === 'bind' && l.cmd === 'watch')).toBe(true);
    await lab.down();
    labs.splice(labs.indexOf(lab), 1);
  });

  it("docs/install.md's daemon steps in order, as written: the watcher started as its unit would (user vipctl); doctor and status pass as root and as vipctl", async () => {
    const section = daemonSteps();
    const lab = await upLab({ mode: 'none', vipctl, baseDir: LABS });
    labs.push(lab);
    const [n1, ...others] = lab.topo.nodes as [LabHost, ...LabHost[]];
    const inNode = (argv: string[]): Promise<RunResult> => run(['ip', 'netns', 'exec', n1.ns, 'chroot', root, ...argv], { timeoutMs: 60_000 });
    // 1: installed (beforeAll). 2: one /etc/vipctl/vipctl.yaml, owned as the step says
    const own = stepCommands(section, 2).find((c) => c.startsWith('chown '));
    expect(own, 'step 2 gives the config its owner with chown').toMatch(/ \/etc\/vipctl\/vipctl\.yaml\b/);
    writeFileSync(join(root, 'etc/vipctl/vipctl.yaml'), readFileSync(lab.configPath));
    inRoot(root, ['sh', '-c', own!]);
    // 3: Redis listens on every address (the lab's redis.conf). 4: the unit, started as systemd would
    expect(stepCommands(section, 4)).toContain('systemctl enable --now vipctl-watch');
    const unit = parseService(readFileSync(join(root, 'lib/systemd/system/vipctl-watch.service'), 'utf8'));
    expect([unit.user, unit.runtimeDirectory, unit.env]).toEqual(['vipctl', 'vipctl', expect.arrayContaining(['VIPCTL_CONFIG=/etc/vipctl/vipctl.yaml'])]);
    const service = { uid: Number(inRoot(root, ['id', '-u', 'vipctl']).trim()), gid: Number(inRoot(root, ['id', '-g', 'vipctl']).trim()) };
    const runDir = join(root, 'run', unit.runtimeDirectory!);
    rmSync(runDir, { recursive: true, force: true });
    mkdirSync(runDir, { mode: 0o755 });
    chownSync(runDir, service.uid, service.gid);
    chmodSync(runDir, 0o755); // RuntimeDirectoryMode's default
    const watcher = spawn('ip', ['netns', 'exec', n1.ns, 'chroot', root, ...serviceArgv(unit)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let watcherErr = '';
    watcher.stderr!.on('data', (d: Buffer) => void (watcherErr += d.toString()));
    try {
      for (const n of others) await lab.startWatch(n);
      const first = await settledOn(lab, 30_000).catch((e: Error) => {
        throw new Error(`${e.message}; n1's watcher (the unit's way) said: ${watcherErr || '(nothing)'}`);
      });
      expect(first).toBe(n1);
      const status = readFileSync(`/proc/${watcher.pid}/status`, 'utf8');
      expect(/^Uid:\s+(\d+)/m.exec(status)?.[1]).toBe(String(service.uid)); // the unit's user, not root
      expect(readlinkSync(`/proc/${watcher.pid}/exe`)).toBe(join(root, 'usr/bin/vipctl'));
      const logFile = join(root, 'var/log/vipctl/vipctl.log');
      expect(parseLogFile(readFileSync(logFile, 'utf8')).some((l) => l.cmd === 'watch' && l.event === 'bind' && l.pid === watcher.pid), readFileSync(logFile, 'utf8')).toBe(true);
      // 5: vipctl doctor (every check must pass: no FAIL) and vipctl status (every verdict ok), as root and as the service user
      expect(stepCommands(section, 5)).toEqual(expect.arrayContaining(['vipctl doctor', 'vipctl status']));
      for (const user of ['root', 'vipctl']) {
        const doctor = await inNode(shellArgv(user, ['vipctl', 'doctor']));
        expect(doctor.exitCode, `${user}: ${doctor.stdout}${doctor.stderr}`).toBe(0);
        expect(doctor.stdout, user).toMatch(new RegExp(`^PASS +what moves the VIP here +the watcher \\(pid ${watcher.pid}\\)`, 'm'));
        const st = await inNode(shellArgv(user, ['vipctl', 'status']));
        expect(st.exitCode, `${user}: ${st.stdout}${st.stderr}`).toBe(0);
        expect(st.stdout, user).toMatch(/\bok\b/);
      }
      // and the unit's watcher acts as that user: a SIGKILL failover of n1 takes the VIP off it
      await replicasInSync(lab, n1);
      await lab.failover('sigkill');
      const next = await newMasterWithVip(lab, n1, 40_000);
      expect(await lab.vipHolders()).toEqual([next]);
      expect(parseLogFile(readFileSync(logFile, 'utf8')).some((l) => l.cmd === 'watch' && l.event === 'unbind' && l.pid === watcher.pid)).toBe(true);
    } finally {
      watcher.kill('SIGTERM');
      await lab.down();
      labs.splice(labs.indexOf(lab), 1);
    }
  });

  it('vipctl-hook is the hook only (a startup snapshot): --version, other commands refused', () => {
    expect(inRoot(root, ['/usr/lib/vipctl/vipctl-hook', '--version']).trim()).toBe(inRoot(root, ['/usr/bin/vipctl', '--version']).trim());
    const r = spawnSync('chroot', [root, '/usr/lib/vipctl/vipctl-hook', 'status'], { encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
    expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/^vipctl-hook: this is vipctl's hook .* every other command is \/usr\/bin\/vipctl\n$/)]);
  });

  it("Sentinel's side of the relayed hook makes only the system calls Debian's unit with the package's drop-in allows", async () => {
    expect(spawnSync('strace', ['-V']).status, 'strace is needed (apt-get install strace)').toBe(0);
    const dir = mkdtempSync(join(TEST_LAB_DIR, 'relay-strace-'));
    const sock = join(dir, 'hook.sock');
    const server = createServer((c) => c.once('data', () => c.end('{"exitCode":0}\n')));
    await new Promise<void>((r) => server.listen(sock, () => r()));
    try {
      const trace = join(dir, 'trace');
      // Debian's unit sets LimitNOFILE (soft = hard: Node then leaves its limit alone); the root's executable, run from the host
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn('sh', ['-c', 'ulimit -Sn "$(ulimit -Hn)"; exec strace -f -qq -o "$@"', 'sh', trace, join(root, 'usr/lib/vipctl/vipctl-hook'), 'mymaster', 'leader', 'start', '198.18.0.13', '6379', '198.18.0.11', '6379'], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', VIPCTL_HOOK_SOCKET: sock }, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        child.once('exit', (code) => resolve({ code, stderr }));
      });
      expect(r.code, r.stderr).toBe(0);
      const used = new Set(readFileSync(trace, 'utf8').split('\n').flatMap((l) => /^\d+\s+([a-z0-9_]+)\(/.exec(l)?.[1] ?? []));
      expect(used).toContain('connect');
      const allow = packageDropInSyscalls(readFileSync(join(REPO, 'deploy/redis-sentinel.service.d/vipctl-package.conf'), 'utf8'));
      expect([...used].filter((c) => !allow.has(c)).sort()).toEqual([]);
      expect(used).toContain('pkey_alloc'); // the drop-in's one addition is needed
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the hook as Sentinel\'s client-reconfig-script with no capability: vipctl-hook as redis relays to the helper, the VIP moves in a SIGKILL failover', async () => {
    const { capsDir, socketDir } = hookDirsIn(join(TEST_LAB_DIR, 'pkg-hook'));
    const lab = await upLab({ mode: 'hook', vipctl: unprivilegedHookArgv(root, capsDir, socketDir), baseDir: LABS });
    labs.push(lab);
    helpers = await startHelpers(lab, root, redis.gid, socketDir);
    const first = await settledOn(lab, 30_000);
    await replicasInSync(lab, first);
    const f = await lab.failover('sigkill');
    const next = await newMasterWithVip(lab, f.node, 40_000).catch((e: Error) => {
      throw new Error(`${e.message}; the hooks' stderr: ${hookErrors(capsDir) || '(none)'}`);
    });
    expect(await lab.vipHolders()).toEqual([next]);
    const hookLines = nodeLog(lab, next).filter((l) => l.cmd === 'hook' && l.event === 'bind');
    expect(hookLines.length, JSON.stringify(nodeLog(lab, next))).toBeGreaterThan(0);
    // every hook Sentinel ran: as redis, no capability in any set (bounding included: no exec can gain one)
    const runs = hookCaps(capsDir);
    expect([...runs.keys()].some((k) => k.startsWith(`${next.name}.`)), [...runs.keys()].join(' ')).toBe(true);
    for (const [name, c] of runs) {
      expect(c.Uid?.split(/\s+/), name).toEqual(Array(4).fill(String(redis.uid)));
      for (const set of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) expect(c[set], `${name} ${set}`).toBe('0000000000000000');
    }
    stopHelpers(helpers);
    await lab.down();
    labs.splice(labs.indexOf(lab), 1);
  });

  it('remove keeps the config, the log and the user; purge removes them', () => {
    writeFileSync(join(root, 'etc/vipctl/vipctl.yaml'), 'masters: {}\n', { mode: 0o640 });
    inRoot(root, ['apt-get', 'remove', '-y', '-q', 'vipctl']);
    expect(existsSync(join(root, 'usr/bin/vipctl'))).toBe(false);
    expect(existsSync(join(root, 'etc/vipctl/vipctl.yaml'))).toBe(true);
    expect(existsSync(join(root, 'etc/vipctl/vipctl.yaml.example'))).toBe(true); // a conffile: kept until purge
    expect(existsSync(join(root, 'var/log/vipctl'))).toBe(true);
    expect(inRoot(root, ['getent', 'passwd', 'vipctl'])).toMatch(/^vipctl:/);
    inRoot(root, ['apt-get', 'purge', '-y', '-q', 'vipctl']);
    expect(existsSync(join(root, 'etc/vipctl'))).toBe(false);
    expect(existsSync(join(root, 'var/log/vipctl'))).toBe(false);
    expect(() => inRoot(root, ['getent', 'passwd', 'vipctl'])).toThrow();
    expect(() => inRoot(root, ['getent', 'group', 'vipctl'])).toThrow();
  });
});
