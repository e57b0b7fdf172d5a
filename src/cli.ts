/**
 * Entry point. Resolve the command first, load only what it needs, then run
 * it: the hook form (what Sentinel calls, on the failover path) must not pay
 * for commander, ioredis or the lab.
 */
import { exitCodeOf, VipctlError } from './core/errors';
import { route } from './route';

async function main(): Promise<number> {
  const r = route(process.argv.slice(2));
  if (r.kind === 'hook') return (await import('./commands/hook')).hookCommand(r.args);
  return (await import('./commands/main')).runMain(r.args);
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
