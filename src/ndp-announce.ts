/**
 * Entry of dist/ndp-announce.cjs: the IPv6 announcer's background repeater
 * (src/ndp-repeater.ts), started as its own process by adapters/announce.ts.
 *
 *   node dist/ndp-announce.cjs COUNT INTERVAL IFNAME VIP
 */
import { ndpRepeat } from './ndp-repeater';

ndpRepeat(process.argv.slice(2));
