/**
 * `vipctl hold <master> [--for DURATION] [--reason TEXT]` and `vipctl
 * release-hold <master>`: a maintenance hold on this host (src/core/hold.ts).
 * While it lasts, the watcher, the hook and reconcile on this host leave that
 * master's VIP as it is (logged once per pass kind as `held`); it lapses by
 * itself. An unknown master is exit 2. One JSON line each, a summary on stdout.
 */
import { userInfo } from 'node:os';
import { pickMaster, type Config } from '../core/config';
import { cleanReason, DEFAULT_HOLD_MS, describeHold, parseDuration, type Hold } from '../core/hold';
import { removeHold, writeHold } from '../adapters/hold-store';
import type { Logger } from '../adapters/log';

function who(): string {
  try {
    return process.env.SUDO_USER || userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

export async function holdCommand(config: Config, logger: Logger, name: string | undefined, o: { for?: string; reason?: string }): Promise<number> {
  const master = pickMaster(config, name);
  const now = Date.now();
  const h: Hold = { master: master.name, since: now, until: now + (o.for === undefined ? DEFAULT_HOLD_MS : parseDuration(o.for)), reason: cleanReason(o.reason), by: cleanReason(who()) };
  const file = writeHold(config.runDir, h);
  logger.info({ event: 'hold', master: h.master, vip: master.vip.text, until: new Date(h.until).toISOString(), reason: h.reason, by: h.by, file }, `hold on ${h.master}`);
  process.stdout.write(`${h.master}: ${describeHold(h, now)}; vipctl on this host leaves ${master.vip.text} as it is until ${new Date(h.until).toISOString()} (vipctl release-hold ${h.master} ends it)\n`);
  return 0;
}

export async function releaseHoldCommand(config: Config, logger: Logger, name: string | undefined): Promise<number> {
  const master = pickMaster(config, name);
  const had = removeHold(config.runDir, master.name);
  logger.info({ event: 'release-hold', master: master.name, vip: master.vip.text, had }, `release-hold on ${master.name}`);
  process.stdout.write(had ? `${master.name}: hold released; vipctl on this host keeps ${master.vip.text} where the Sentinels say from its next pass\n` : `${master.name}: no hold here (nothing to do)\n`);
  return 0;
}
