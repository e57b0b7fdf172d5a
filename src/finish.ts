/**
 * How every entry point (cli.ts, sea.ts, sea-hook.ts) ends: the command's
 * code as the exit code; a throw as one line on stderr (the stack only for
 * what is not ours) and its exit code (ours carry one; anything else 1).
 */
import { exitCodeOf, VipctlError } from './core/errors';

export function finish(run: Promise<number>): void {
  run.then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`vipctl: ${e instanceof VipctlError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = exitCodeOf(e);
    },
  );
}
