/**
 * Entry point. Resolve the command first, load only what it needs, then run
 * it: the hook form (what Sentinel calls, on the failover path) must not pay
 * for commander, ioredis or the lab.
 */
import { exitCodeOf, VipctlError } from './core/errors';

const args = process.argv.slice(2);

async function main(): Promise<number> {
  // `vipctl hook <7 args>`, spelled out (a master named "hook" in the bare form is the one exception).
  const bareHookMaster = args.length === 7 && (args[1] === 'leader' || args[1] === 'observer');
  if (args[0] === 'hook' && !bareHookMaster && !args.includes('--help') && !args.includes('-h')) {
    return (await import('./commands/hook')).hookCommand(args.slice(1));
  }
  // `vipctl <7 args>`: exactly what client-reconfig-script passes.
  if (args.length === 7) return (await import('./commands/hook')).hookCommand(args);
  return (await import('./commands/main')).runMain(args);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`vipctl: ${e instanceof VipctlError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = exitCodeOf(e);
  },
);
