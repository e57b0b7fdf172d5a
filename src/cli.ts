/**
 * Entry point. Resolve the command first, load only what it needs, then run
 * it. The hook form (what Sentinel calls, on the failover path) loads one
 * pre-bundled file through V8's code cache and nothing else: not commander,
 * not ioredis, not the lab.
 */
import { fileURLToPath } from 'node:url';
import { loadWithCodeCache } from './code-cache';
import { finish } from './finish';
import { route } from './route';
import { scrubEnvironment } from './adapters/system';

type HookBundle = typeof import('./hook-bundle');

async function main(): Promise<number> {
  // Before anything else is loaded: no library debug output (it could carry a password).
  scrubEnvironment();
  const r = route(process.argv.slice(2));
  if (r.kind === 'main') {
    const code = await (await import('./commands/main')).runMain(r.args);
    // A one-shot command is done: do not wait for sockets that a silent peer
    // keeps half-open (a stopped Sentinel) or timers of libraries. Logs are
    // written synchronously, so nothing is lost.
    process.exit(code);
  }
  const bundle = loadWithCodeCache<HookBundle>(fileURLToPath(new URL('./hook.cjs', import.meta.url)));
  const code = await bundle.exports.hookCommand(r.args);
  if (bundle.cache !== 'hit') bundle.saveCache();
  return code;
}

finish(main());
