// Build dist/ with esbuild:
// - dist/cli.mjs: the CLI, split so each command loads only what it uses;
// - dist/hook.cjs: the hook path in one CommonJS file, plus its V8 code cache
//   (dist/hook.cjs.v8cache), made here by loading it and running its pure
//   paths once. See src/code-cache.ts and bench/hook.bench.ts.
// Built into a fresh folder and swapped in, so a run using dist/ never sees it half-built.
// Runs under tsx (see package.json) so that it loads the bundle with the same
// code as the CLI: src/code-cache.ts.
import { build } from 'esbuild';
import { renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadWithCodeCache } from '../src/code-cache.ts';
import { gitCommit } from './commit.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, `dist.${process.pid}.tmp`);
// fs-ext (flock for the per-VIP lock) is a native addon: it cannot be bundled,
// it is loaded from node_modules at run time (about 1 ms, see bench:hook).
const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', absWorkingDir: root, external: ['fs-ext'], define: { __VIPCTL_COMMIT__: JSON.stringify(gitCommit(root)) } };

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
// import.meta.url in CommonJS: the file's own URL (adapters/announce finds dist/ndp-announce.cjs next to it).
const cjsMeta = { define: { ...common.define, 'import.meta.url': '__vipctlMetaUrl' }, banner: { js: "var __vipctlMetaUrl = require('node:url').pathToFileURL(__filename).href;" } };
await build({ ...common, ...cjsMeta, entryPoints: ['src/hook-bundle.ts'], outfile: join(out, 'hook.cjs'), format: 'cjs' });
// The IPv6 announcer's background repeater (src/ndp-announce.ts), started as its own process.
await build({ ...common, ...cjsMeta, entryPoints: ['src/ndp-announce.ts'], outfile: join(out, 'ndp-announce.cjs'), format: 'cjs' });

// The code cache: load the bundle as the CLI will, warm it, save what V8 compiled.
const bundle = loadWithCodeCache(join(out, 'hook.cjs'));
bundle.exports.warm();
if (!bundle.saveCache()) throw new Error(`cannot write the code cache in ${out}`);

const old = join(root, `dist.${process.pid}.old`);
try {
  renameSync(join(root, 'dist'), old);
} catch {
  /* first build */
}
renameSync(out, join(root, 'dist'));
rmSync(old, { recursive: true, force: true });
