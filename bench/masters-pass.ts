/**
 * Run by bench/masters.bench.ts inside a lab node's namespace: `vipctl
 * reconcile`'s pass, timed in one warm process (config read once), `runs` times.
 * Prints one JSON line: {"passMs":[...]}. The log lines go nowhere (level error).
 */
import { loadConfig } from '../src/adapters/config-file';
import { createLogger } from '../src/adapters/log';
import { reconcileCommand } from '../src/commands/reconcile';

const runs = Number(process.argv[2] ?? 10);
const config = loadConfig();
const { logger } = createLogger({ file: null, level: 'error' }, { cmd: 'reconcile' });
const passMs: number[] = [];
const codes: number[] = [];
for (let i = 0; i < runs + 1; i++) {
  const t = performance.now();
  codes.push(await reconcileCommand(config, logger));
  if (i > 0) passMs.push(performance.now() - t); // the first warms up
}
process.stdout.write(`${JSON.stringify({ passMs, codes })}\n`);
