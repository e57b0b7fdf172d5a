// Bundle the CLI into dist/ with esbuild: one file per lazily loaded command,
// so the hook path loads only what it uses (see bench/hook.bench.ts).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Bundled CommonJS deps (ioredis, pino) call require() on node builtins.
  banner: { js: "import { createRequire as __vipctlCreateRequire } from 'node:module'; const require = __vipctlCreateRequire(import.meta.url);" },
});
