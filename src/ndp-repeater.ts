/**
 * The background part of an IPv6 announcement. ndptool sends one unsolicited
 * Neighbour Advertisement per run, so this detached process runs it COUNT
 * more times, INTERVAL seconds apart, after the first one the caller sent
 * itself. Its pid is the announcer's pid: an unbind stops it (SIGTERM ends it
 * between two sends). Started as `node dist/ndp-announce.cjs ARGS` from the
 * git tree, as `/usr/bin/vipctl __ndp-announce ARGS` from the package
 * (src/sea.ts); see adapters/announce.ts.
 *
 *   ARGS: COUNT INTERVAL IFNAME VIP
 */
import { execFile } from 'node:child_process';
import { parseNdpRepeatArgs } from './core/ndp-repeat';
import { ndptoolArgv } from './core/plan';
import { CHILD_ENV, resolveArgv } from './adapters/system';

export function ndpRepeat(argv: readonly string[]): void {
  const args = parseNdpRepeatArgs([...argv]);
  if (!args) {
    process.stderr.write('usage: ndp-announce COUNT INTERVAL IFNAME VIP\n');
    process.exit(2);
  }
  const { count, intervalSeconds, ifname, vip } = args;
  const [file, ...rest] = resolveArgv(ndptoolArgv({ address: vip, prefix: 128, family: 6, text: `${vip}/128` }, ifname));

  let left = count;
  function next(): void {
    if (left-- <= 0) return;
    setTimeout(() => {
      execFile(file!, rest, { env: CHILD_ENV, timeout: 5000 }, () => next());
    }, intervalSeconds * 1000);
  }
  next();
}
