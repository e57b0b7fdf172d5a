/**
 * Entry of the package's second executable, /usr/lib/vipctl/vipctl-hook
 * (dist/pkg/vipctl-hook; scripts/package.mjs): Sentinel's
 * client-reconfig-script, and nothing else. It is built as a V8 startup
 * snapshot (`useSnapshot` in the SEA config): this file runs once, at package
 * time, loads the hook's modules and warms their paths (hook-bundle's warm());
 * the heap it leaves is the executable's. At run time Node deserializes that
 * heap and calls the function given to setDeserializeMainFunction below: no
 * module of vipctl is compiled or evaluated before the hook's first line.
 *
 * Why a second executable and not /usr/bin/vipctl itself: V8 refuses a
 * snapshot under other V8 flags than it was made with ("Failed to load the
 * startup snapshot ... different V8 configurations"), and the watcher's unit
 * sets NODE_OPTIONS=--max-semi-space-size=2. /usr/bin/vipctl (src/sea.ts)
 * keeps the code cache, which only costs time when rejected. The same holds
 * for this one: Sentinel's environment must carry no V8 flag in NODE_OPTIONS.
 *
 * Run time only (never at build): the debug variables are scrubbed, the
 * process's argv and environment are the caller's (Node refreshes them).
 *
 * With the package's hook helper listening (vipctl-hook.socket), a hook call
 * is relayed to it and this process needs no capability (src/hook-relay.ts);
 * `--serve` is the helper's side.
 */
import { startupSnapshot } from 'node:v8';
import { finish } from './finish';
import { route } from './route';
import { scrubEnvironment } from './adapters/system';
import { NDP_SEA_ARG } from './adapters/announce';
import { versionText } from './core/version';
import { hookCommand, warm } from './hook-bundle';
import { ndpRepeat } from './ndp-repeater';
import { HOOK_SOCKET, relay, serve } from './hook-relay';

/** What the executable answers to anything but a hook call. */
const HOOK_ONLY_USAGE = 'this is vipctl\'s hook (Sentinel\'s client-reconfig-script: <master-name> <role> <state> <from-ip> <from-port> <to-ip> <to-port>); every other command is /usr/bin/vipctl';

async function main(argv: string[]): Promise<number> {
  scrubEnvironment();
  if (argv[0] === NDP_SEA_ARG) {
    ndpRepeat(argv.slice(1)); // the IPv6 announcer's repeater, started by the hook as this executable
    return 0;
  }
  if (argv.length === 1 && argv[0] === '--serve') return serve(hookCommand); // the helper (vipctl-hook@.service)
  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`${versionText()}\n`);
    return 0;
  }
  const r = route(argv);
  if (r.kind !== 'hook') {
    process.stderr.write(`vipctl-hook: ${HOOK_ONLY_USAGE}\n`);
    return 2;
  }
  // A helper listening (the package's vipctl-hook.socket): it does the work, this process needs no capability.
  const relayed = await relay(r.args, process.env.VIPCTL_HOOK_SOCKET || HOOK_SOCKET);
  return relayed ?? hookCommand(r.args);
}

warm();
startupSnapshot.setDeserializeMainFunction(() => finish(main(process.argv.slice(2))));
