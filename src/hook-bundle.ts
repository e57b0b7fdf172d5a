/**
 * Entry of dist/hook.cjs: everything the hook needs, in one CommonJS file that
 * cli.ts loads through V8's code cache (src/code-cache.ts).
 */
import { parseDocument } from 'yaml';
import { validateConfig } from './core/config';
import { parseHookArgs } from './core/hook-args';
import { decide } from './core/decide';
import { planFor } from './core/plan';
import { parseIpJson, parseProcNetDev } from './adapters/ip';
import { linksFromInterfaces } from './core/local';
import { createLogger } from './adapters/log';
import { run } from './adapters/run';

export { hookCommand } from './commands/hook';
/** For bench:hook, which times the lock on its own. */
export { acquireLock } from './adapters/lock';

const WARM_CONFIG = `sentinel:
  addresses: [198.18.0.11:26379, 198.18.0.12:26379, "[fd00::13]:26379"]
masters:
  m:
    vip: 198.18.0.100/24
  m6:
    vip: fd00::100/64
    interface: eth0
announce:
  count: 5
  intervalSeconds: 1
  mode: request
log:
  file: /var/log/vipctl/vipctl.log
  level: info
runDir: /run/vipctl
lockTimeoutMs: 10000
`;

/**
 * Run the hook's code paths once, at build time, so that their compiled code
 * lands in the cache or the snapshot (V8 compiles functions lazily, on first
 * call). No I/O but one: `spawn` runs `true` (not awaited), so that the
 * child-process path and its stdio pipes have run once before the hook's
 * first spawn, its `ip addr add` (measured in the snapshot: the add's spawn
 * ~4 ms sooner; docs-incoming/hook.md). `o.run`: the tests' fake.
 */
export function warm(o: { run?: (argv: readonly string[]) => Promise<unknown> } = {}): void {
  void (o.run ?? run)(['true']).catch(() => undefined);
  // a config with the sections an operator's has (each key's parser and check compiled), parsed as config-file parses it
  const doc = parseDocument(WARM_CONFIG, { uniqueKeys: true, prettyErrors: true });
  const config = validateConfig(doc.toJS({ maxAliasCount: 50 }), {});
  parseHookArgs(['m', 'leader', 'start', '198.18.0.12', '6379', '198.18.0.11', '6379']);
  const master = config.masters.get('m')!;
  const links = parseIpJson('[{"ifname":"eth0","flags":["UP","LOWER_UP"],"address":"02:00:00:00:00:01","addr_info":[{"family":"inet","local":"198.18.0.11","prefixlen":24}]}]');
  // the read of the links under the lock (adapters/ip readLocalLinks)
  linksFromInterfaces({ lo: [{ address: '127.0.0.1', family: 'IPv4', cidr: '127.0.0.1/8', mac: '00:00:00:00:00:00' }], eth0: [{ address: '198.18.0.11', family: 'IPv4', cidr: '198.18.0.11/24', mac: '02:00:00:00:00:01' }, { address: 'fe80::1', family: 'IPv6', cidr: 'fe80::1/64', mac: '02:00:00:00:00:01' }] }, parseProcNetDev('h\nh\n    lo: 0 0\n  eth0: 0 0\n'), '198.18.0.100');
  planFor(decide('here', { boundOn: [], interface: links[0]!.ifname }, { announceWhenBound: true }), master.vip, 'eth0', config.announce);
  // a logger with nowhere to write: pino's set-up and serialisation paths, compiled
  createLogger({ file: null, level: 'info', stderr: false }).logger.child({ cmd: 'hook' }).info({ event: 'warm', master: 'm' }, 'warm');
}
