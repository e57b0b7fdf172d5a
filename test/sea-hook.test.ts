/**
 * What the package's hook executable (src/sea-hook.ts, a V8 startup
 * snapshot) is made of: the hook's path and nothing else. Every module in
 * it is in the snapshot's heap and costs deserialization on every hook run,
 * so the lab, the other commands, commander and ioredis must stay out; and
 * the snapshot builder may only require Node's builtins.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('the hook executable\'s bundle (src/sea-hook.ts)', () => {
  it('holds the hook path only: no lab, no other command, no commander or ioredis; requires only builtins', async () => {
    const r = await build({
      entryPoints: ['src/sea-hook.ts'],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      write: false,
      metafile: true,
      logLevel: 'silent',
      external: ['fs-ext'],
    });
    const inputs = Object.keys(r.metafile.inputs);
    expect(inputs).toContain('src/commands/hook.ts');
    expect(inputs).toContain('src/hook-relay.ts');
    const unwanted = inputs.filter((f) => /^src\/lab\//.test(f) || (/^src\/commands\//.test(f) && f !== 'src/commands/hook.ts') || /node_modules\/(commander|ioredis|prom-client)\//.test(f) || /^src\/(watch|doctor|switchover)\//.test(f));
    expect(unwanted).toEqual([]);
    const external = Object.values(r.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    expect(external.filter((p) => !p.startsWith('node:') && !/^[a-z_]+$/.test(p) && p !== 'fs-ext')).toEqual([]);
  });
});
