/**
 * Entry of the single executable that `npm run package` builds
 * (/usr/bin/vipctl: Node with this bundle inside, scripts/package.mjs). The
 * same routes as cli.ts, in one CommonJS bundle (a SEA's require loads only
 * builtins), its dynamic imports inlined by esbuild as lazily run modules,
 * with V8's code cache of this script in the executable (useCodeCache). The
 * hook form runs dist/hook.cjs, embedded as an asset with the code cache the
 * build warmed (scripts/build.mjs): V8 compiles nothing of the hook's path,
 * as from bin/vipctl (src/cli.ts).
 *
 * Two things the node command line carries in the git tree come here:
 * - `vipctl __ndp-announce ARGS`: the IPv6 announcer's repeater
 *   (adapters/announce.ts starts the executable itself so);
 * - the watcher's V8 flags (core/watch/node-options.ts): a SEA takes no node
 *   options on its command line, so `watch` sets WATCH_NODE_FLAGS through
 *   v8.setFlagsFromString before anything is allocated for the work, and
 *   records them in process.execArgv, where the watcher's start-up check
 *   looks. NODE_OPTIONS (--max-semi-space-size) is read by the SEA as by node.
 */
import { getAsset } from 'node:sea';
import { setFlagsFromString } from 'node:v8';
import { runWithCodeCache } from './code-cache';
import { finish } from './finish';
import { route } from './route';
import { scrubEnvironment } from './adapters/system';
import { NDP_SEA_ARG } from './adapters/announce';
import { WATCH_NODE_FLAGS } from './core/watch/node-options';

/**
 * The code cache in the executable is made without V8 flags; the watcher's
 * unit sets --max-semi-space-size in NODE_OPTIONS (it cannot be set later),
 * so V8 rejects the cache there (the watcher compiles as it goes, once) and
 * Node warns of it on stderr. That one warning is dropped; any other is
 * printed as Node prints it. (Node emits warnings on the next tick: this runs first.)
 */
function quietCodeCacheWarning(): void {
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.message !== 'Code cache data rejected.') process.stderr.write(`(vipctl:${process.pid}) ${w.name}: ${w.message}\n`);
  });
}

type HookBundle = typeof import('./hook-bundle');

async function main(argv: string[]): Promise<number> {
  quietCodeCacheWarning();
  scrubEnvironment();
  if (argv[0] === NDP_SEA_ARG) {
    (await import('./ndp-repeater')).ndpRepeat(argv.slice(1));
    return 0;
  }
  const r = route(argv);
  if (r.kind === 'main') {
    if (r.args[0] === 'watch') {
      for (const flag of WATCH_NODE_FLAGS) {
        setFlagsFromString(flag);
        process.execArgv.push(flag);
      }
    }
    const code = await (await import('./commands/main')).runMain(r.args);
    process.exit(code); // as in cli.ts: a one-shot command is done
  }
  const asset = (key: string): Buffer => Buffer.from(getAsset(key) as ArrayBuffer);
  const bundle = runWithCodeCache<HookBundle>(asset('hook.cjs').toString('utf8'), asset('hook.cjs.v8cache'), process.execPath);
  return bundle.exports.hookCommand(r.args);
}

finish(main(process.argv.slice(2)));
