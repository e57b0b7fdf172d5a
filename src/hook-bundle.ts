/**
 * Entry of dist/hook.cjs: everything the hook needs, in one CommonJS file that
 * cli.ts loads through V8's code cache (src/code-cache.ts).
 */
import { parseDocument } from 'yaml';
import { validateConfig } from './core/config';
import { parseHookArgs } from './core/hook-args';
import { decide } from './core/decide';
import { planFor } from './core/plan';
import { parseIpJson } from './adapters/ip';
import { createLogger } from './adapters/log';

export { hookCommand } from './commands/hook';
/** For bench:hook, which times the lock on its own. */
export { acquireLock } from './adapters/lock';

/**
 * Run the hook's code paths that do no I/O once, at build time, so that their
 * compiled code lands in the cache (V8 compiles functions lazily, on first call).
 */
export function warm(): void {
  const doc = parseDocument('sentinel:\n  addresses: [198.18.0.11:26379]\nmasters:\n  m:\n    vip: 198.18.0.100/24\n', { uniqueKeys: true });
  const config = validateConfig(doc.toJS(), {});
  parseHookArgs(['m', 'leader', 'start', '198.18.0.12', '6379', '198.18.0.11', '6379']);
  const master = config.masters.get('m')!;
  const links = parseIpJson('[{"ifname":"eth0","flags":["UP","LOWER_UP"],"address":"02:00:00:00:00:01","addr_info":[{"family":"inet","local":"198.18.0.11","prefixlen":24}]}]');
  planFor(decide('here', { boundOn: [], interface: links[0]!.ifname }, { announceWhenBound: true }), master.vip, 'eth0', config.announce);
  // a logger with nowhere to write: pino's set-up and serialisation paths, compiled
  createLogger({ file: null, level: 'info', stderr: false }).logger.child({ cmd: 'hook' }).info({ event: 'warm', master: 'm' }, 'warm');
}
