// Build dist/ with esbuild:
// - dist/cli.mjs: the CLI, split so each command loads only what it uses;
// - dist/hook.cjs: the hook path in one CommonJS file, plus its V8 code cache
//   (dist/hook.cjs.v8cache), made here by loading it and running its pure
//   paths once. See src/code-cache.ts and bench/hook.bench.ts.
// Built into a fresh folder and swapped in, so a run using dist/ never sees it half-built.
import { build } from 'esbuild';
import { renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import vm from 'node:vm';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, `dist.${process.pid}.tmp`);
const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', absWorkingDir: root };

rmSync(out, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { cli: 'src/cli.ts' },
  outdir: out,
  outExtension: { '.js': '.mjs' },
  splitting: true,
  format: 'esm',
  sourcemap: 'linked',
  // Bundled CommonJS deps (ioredis, pino) call require() on node builtins.
  banner: { js: "import { createRequire as __vipctlCreateRequire } from 'node:module'; const require = __vipctlCreateRequire(import.meta.url);" },
});
await build({ ...common, entryPoints: ['src/hook-bundle.ts'], outfile: join(out, 'hook.cjs'), format: 'cjs' });

// The code cache: load the bundle as the CLI will, warm it, save what V8 compiled.
const file = join(out, 'hook.cjs');
const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), { filename: join(root, 'dist', 'hook.cjs') });
const mod = { exports: {} };
script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, out);
mod.exports.warm();
writeFileSync(`${file}.v8cache`, script.createCachedData());

const old = join(root, `dist.${process.pid}.old`);
try {
  renameSync(join(root, 'dist'), old);
} catch {
  /* first build */
}
renameSync(out, join(root, 'dist'));
rmSync(old, { recursive: true, force: true });
