/** hook-bundle's warm(), run while the hook's snapshot and code cache are made: what it runs once. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { warm } from '../../src/hook-bundle';

describe('warm()', () => {
  it('spawns one child (`true`, not awaited): the hook\'s first spawn, its ip addr add, then runs a path that has run before', async () => {
    const spawned: string[][] = [];
    warm({ run: async (argv) => void spawned.push([...argv]) });
    expect(spawned).toEqual([['true']]);
  });

  it('a failing spawn is no failure of the build', async () => {
    expect(() => warm({ run: () => Promise.reject(new Error('ENOENT')) })).not.toThrow();
    await new Promise((r) => setImmediate(r)); // an unhandled rejection would fail the run
  });

  it("parses a config with every top-level section of vipctl.yaml.example the hook reads (each key's path compiled)", () => {
    const source = readFileSync(new URL('../../src/hook-bundle.ts', import.meta.url), 'utf8');
    const warmed = parseDocument(/const WARM_CONFIG = `([^`]*)`/.exec(source)![1]!).toJS() as Record<string, unknown>;
    const example = parseDocument(readFileSync(new URL('../../vipctl.yaml.example', import.meta.url), 'utf8')).toJS() as Record<string, unknown>;
    const hookSections = Object.keys(example).filter((k) => !['watch', 'redis', 'notify', 'metrics'].includes(k));
    expect(Object.keys(warmed).sort()).toEqual(expect.arrayContaining(hookSections.sort()));
  });
});
