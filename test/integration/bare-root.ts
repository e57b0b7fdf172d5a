/**
 * A bare Debian 12 root for package.root.test.ts: `debootstrap --variant=minbase
 * bookworm` (no Node, no compiler, no git). Built once and kept under
 * /var/cache/vipctl-test/ between local runs, keyed by what makes it (the
 * debootstrap version, suite, variant, mirror) and rebuilt when older than a
 * week; under CI=true it is built fresh. Each test run works on its own copy.
 * Mounts go through mountIn(), and unmountAll() removes every one of them
 * (innermost first), also after a failure.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const CACHE_DIR = '/var/cache/vipctl-test';
const SUITE = 'bookworm';
const VARIANT = 'minbase';
const MIRROR = 'http://deb.debian.org/debian';
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

const sh = (file: string, args: string[], timeoutMs = 15 * 60_000): string =>
  execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });

function debootstrapVersion(): string {
  return sh('dpkg-query', ['-W', '-f=${Version}', 'debootstrap']).trim();
}

/** Where the cached root for this debootstrap, suite, variant and mirror lives. */
export function cachedRootDir(): string {
  const key = createHash('sha256').update(JSON.stringify([debootstrapVersion(), SUITE, VARIANT, MIRROR, 1])).digest('hex').slice(0, 12);
  return join(CACHE_DIR, `${SUITE}-${VARIANT}-${key}`);
}

function debootstrap(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  sh('debootstrap', [`--variant=${VARIANT}`, SUITE, dir, MIRROR]);
  if (!existsSync(join(dir, 'usr/bin/apt-get'))) throw new Error(`debootstrap made no usable root in ${dir}`);
}

/** A fresh copy of the bare root in a new directory under /var/tmp; returns [work dir, root]. */
export function bareRoot(log: (line: string) => void): { work: string; root: string } {
  const work = mkdtempSync('/var/tmp/vipctl-pkg-test-');
  const root = join(work, 'root');
  if (process.env.CI === 'true') {
    log(`debootstrap --variant=${VARIANT} ${SUITE} (fresh, CI)`);
    debootstrap(root);
    return { work, root };
  }
  const cached = cachedRootDir();
  const fresh = existsSync(join(cached, 'usr/bin/apt-get')) && Date.now() - statSync(cached).mtimeMs < MAX_AGE_MS;
  if (!fresh) {
    log(`debootstrap --variant=${VARIANT} ${SUITE} into ${cached}`);
    mkdirSync(CACHE_DIR, { recursive: true, mode: 0o700 });
    const tmp = `${cached}.${process.pid}.tmp`;
    debootstrap(tmp);
    rmSync(cached, { recursive: true, force: true });
    renameSync(tmp, cached);
  }
  sh('cp', ['-a', cached, root]);
  return { work, root };
}

/** Mount points under `root` that the kernel has, innermost first (from /proc/self/mountinfo). */
export function mountsUnder(root: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => p !== undefined && (p === root || p.startsWith(`${root}/`)))
    .sort((a, b) => b.length - a.length);
}

/** mount ARGS... TARGET (target inside the root, made when missing). */
export function mountIn(target: string, args: string[]): void {
  mkdirSync(target, { recursive: true });
  sh('mount', [...args, target]);
}

/** Unmount everything under root; throws if anything is left mounted. */
export function unmountAll(root: string): void {
  for (let round = 0; round < 3 && mountsUnder(root).length > 0; round++) {
    for (const m of mountsUnder(root)) {
      try {
        sh('umount', [m]);
      } catch {
        /* busy or already gone: the next round, then lazily */
        if (round === 2) sh('umount', ['-l', m]);
      }
    }
  }
  const left = mountsUnder(root);
  if (left.length > 0) throw new Error(`still mounted: ${left.join(', ')}`);
}

/** Run argv inside the root (chroot), as root, with a plain environment. */
export function inRoot(root: string, argv: string[], env: Record<string, string> = {}, timeoutMs = 10 * 60_000): string {
  return execFileSync('chroot', [root, ...argv], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive', ...env },
  });
}
