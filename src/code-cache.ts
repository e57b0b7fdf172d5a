/**
 * Load a CommonJS bundle through V8's code cache. The hook runs as a fresh
 * process on every failover, and compiling its ~0.5 MB of JavaScript was a
 * third of its start-up; with the cache V8 skips most of that (measured in
 * bench/hook.bench.ts). The cache sits next to the bundle (`<file>.v8cache`),
 * is made at build time and remade, best effort, when V8 rejects it (another
 * Node version). A missing or bad cache only costs time, never correctness.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

export type CacheState = 'hit' | 'miss' | 'rejected';

export interface LoadedBundle<T> {
  exports: T;
  cache: CacheState;
  /** Write a fresh cache (after running, so the functions compiled on the way are in it). Returns false if it could not. */
  saveCache(): boolean;
}

export function cacheFileOf(file: string): string {
  return `${file}.v8cache`;
}

/**
 * Run a CommonJS bundle's source as the module `file`, with V8's cached data
 * when given. The single executable (src/sea.ts) passes the hook bundle and
 * its cache from its embedded assets; loadWithCodeCache, from the files.
 */
export function runWithCodeCache<T>(source: string, cachedData: Buffer | undefined, file: string): { exports: T; cache: CacheState; script: vm.Script } {
  const script = new vm.Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const cache: CacheState = cachedData === undefined ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  const module = { exports: {} as T };
  const wrapper = script.runInThisContext() as (exports: T, require: NodeJS.Require, module: { exports: T }, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, cache, script };
}

export function loadWithCodeCache<T>(file: string): LoadedBundle<T> {
  const source = readFileSync(file, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFileOf(file));
  } catch {
    cachedData = undefined;
  }
  const { exports, cache, script } = runWithCodeCache<T>(source, cachedData, file);
  return {
    exports,
    cache,
    saveCache: () => {
      const tmp = `${cacheFileOf(file)}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFileOf(file));
        return true;
      } catch {
        // read-only install, or a full disk: run without a cache, and leave no half-written temp file
        try {
          rmSync(tmp, { force: true });
        } catch {
          /* nothing to clean, or cannot */
        }
        return false;
      }
    },
  };
}
