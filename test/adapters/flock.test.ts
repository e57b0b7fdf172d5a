/**
 * flock for the per-VIP lock from the prebuilt addon, as the single executable
 * loads it (process.dlopen of fs_ext.node from a fixed path, adapters/flock.ts).
 */
import { chmodSync, closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addonPathFor, addonProblem, loadAddon, PACKAGED_ADDON } from '../../src/adapters/flock';
import { inSea } from '../../src/adapters/sea';

const BUILT = join(dirname(createRequire(import.meta.url).resolve('fs-ext')), 'build/Release/fs_ext.node');
const me = process.getuid!();
/** A copy of the addon in a fresh directory (0755), file 0644. */
function addonCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'vipctl-addon-')), 'lib');
  mkdirSync(dir, { mode: 0o755 });
  const file = join(dir, 'fs_ext.node');
  copyFileSync(BUILT, file);
  chmodSync(file, 0o644);
  return file;
}

describe('the lock addon of the single executable', () => {
  it('is /usr/lib/vipctl/fs_ext.node for /usr/bin/vipctl, else beside the executable', () => {
    expect(addonPathFor('/usr/bin/vipctl')).toBe(PACKAGED_ADDON);
    expect(addonPathFor('/src/vipctl/dist/pkg/vipctl')).toBe('/src/vipctl/dist/pkg/fs_ext.node');
    expect(inSea()).toBe(false); // vitest is no single executable: bin/vipctl's path (fs-ext) is taken
  });

  it('loaded by process.dlopen, its flock is exclusive between two open files, and freed on close', () => {
    const binding = loadAddon(addonCopy(), me);
    const op = binding.constants.LOCK_EX | binding.constants.LOCK_NB;
    const path = join(mkdtempSync(join(tmpdir(), 'vipctl-flock-')), 'l');
    const a = openSync(path, 'w', 0o600);
    const b = openSync(path, 'r');
    binding.flock(a, op);
    expect(() => binding.flock(b, op)).toThrow(expect.objectContaining({ code: expect.stringMatching(/^(EAGAIN|EWOULDBLOCK)$/) }));
    closeSync(a);
    binding.flock(b, op);
    closeSync(b);
  });

  it.each<[string, (file: string) => void, RegExp]>([
    ['a group-writable file', (f) => chmodSync(f, 0o664), /writable by group or others \(mode 0664\)/],
    ['in a world-writable directory', (f) => chmodSync(dirname(f), 0o777), /its directory is writable by group or others \(mode 0777\)/],
  ])('is refused when it is %s (it would run as vipctl)', (_name, plant, why) => {
    const file = addonCopy();
    expect(addonProblem(file, me)).toBeNull();
    plant(file);
    expect(addonProblem(file, me)).toMatch(why);
    expect(() => loadAddon(file, me)).toThrow(why);
  });

  it('is refused when it is a symlink (not followed)', () => {
    const file = addonCopy();
    symlinkSync(file, `${file}.link`);
    expect(() => loadAddon(`${file}.link`, me)).toThrow(/fs_ext\.node\.link: not a regular file \(reinstall the vipctl package\)/);
  });

  it('is refused when missing, saying so', () => {
    expect(() => loadAddon('/nonexistent/fs_ext.node', me)).toThrow(/fs_ext\.node: cannot read it: ENOENT/);
  });
});
