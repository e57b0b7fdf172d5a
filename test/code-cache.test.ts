import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFileOf, loadWithCodeCache } from '../src/code-cache';

function bundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vipctl-cc-'));
  const file = join(dir, 'b.cjs');
  writeFileSync(file, "const path = require('node:path'); exports.answer = () => 42; exports.base = path.basename(__filename); exports.dir = __dirname;\n");
  return file;
}

describe('loadWithCodeCache', () => {
  it('loads a CommonJS file with require, __filename and __dirname, with or without a cache', () => {
    const file = bundle();
    const first = loadWithCodeCache<{ answer(): number; base: string; dir: string }>(file);
    expect(first.cache).toBe('miss');
    expect(first.exports.answer()).toBe(42);
    expect(first.exports.base).toBe('b.cjs');
    expect(first.exports.dir).toBe(join(file, '..'));
    expect(existsSync(cacheFileOf(file))).toBe(false);
    expect(first.saveCache()).toBe(true);
    expect(existsSync(cacheFileOf(file))).toBe(true);

    const second = loadWithCodeCache<{ answer(): number }>(file);
    expect(second.cache).toBe('hit');
    expect(second.exports.answer()).toBe(42);
  });

  it('a cache that does not fit is rejected, and the code still runs', () => {
    const file = bundle();
    writeFileSync(cacheFileOf(file), Buffer.from('not a v8 cache'));
    const loaded = loadWithCodeCache<{ answer(): number }>(file);
    expect(loaded.cache).toBe('rejected');
    expect(loaded.exports.answer()).toBe(42);
  });

  it('saving where it cannot write is not an error (read-only install)', () => {
    const file = bundle();
    const loaded = loadWithCodeCache<{ answer(): number }>(file);
    rmSync(join(file, '..'), { recursive: true, force: true }); // nowhere to write any more
    expect(loaded.saveCache()).toBe(false);
    expect(loaded.exports.answer()).toBe(42);
  });

  it('a save that fails half-way (the cache name taken, a full disk) leaves no temp file behind', () => {
    const file = bundle();
    const loaded = loadWithCodeCache<{ answer(): number }>(file);
    mkdirSync(join(cacheFileOf(file), 'x'), { recursive: true }); // rename(2) over a non-empty directory fails
    expect(loaded.saveCache()).toBe(false);
    expect(readdirSync(join(file, '..')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
