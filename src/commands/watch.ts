/**
 * `vipctl watch [--release-on-exit]`: the per-node daemon. Foreground, JSON
 * log lines. SIGTERM/SIGINT stop it and leave the VIP where it is (a restart
 * causes no outage; the next start reconciles) unless --release-on-exit;
 * SIGHUP reloads the config (a bad one is logged and the old one kept).
 */
import type { Config } from '../core/config';
import { loadConfig } from '../adapters/config-file';
import { loadTls } from '../adapters/connection';
import { createLogger, type Logger } from '../adapters/log';
import { removeWatchPid, writeWatchPid } from '../adapters/pid-file';
import { logFailure } from '../pass/failure';
import { WatchNode } from '../watch/node';

export interface WatchOptions {
  config?: string;
  releaseOnExit?: boolean;
}

export async function watchCommand(o: WatchOptions): Promise<number> {
  let config: Config = loadConfig(o.config);
  loadTls(config);
  let logger: Logger = createLogger(config.log, { cmd: 'watch' }).logger;
  let runDir = config.runDir;
  writeWatchPid(runDir);
  let node = new WatchNode(config, logger);
  try {
    await node.start();
  } catch (e) {
    await node.stop(false).catch(() => undefined);
    removeWatchPid(runDir);
    throw e;
  }

  let busy: Promise<void> = Promise.resolve();
  const serial = (f: () => Promise<void>): void => {
    busy = busy.then(f, f);
  };
  return new Promise<number>((resolve) => {
    const stop = (signal: string): void =>
      serial(async () => {
        process.off('SIGTERM', onTerm).off('SIGINT', onInt).off('SIGHUP', onHup);
        logger.info({ event: 'watch-stop', signal, releaseOnExit: o.releaseOnExit === true }, `${signal}: stopping${o.releaseOnExit ? ' and releasing the VIPs held here' : '; VIPs stay where they are'}`);
        await node.stop(o.releaseOnExit === true);
        removeWatchPid(runDir);
        resolve(0);
      });
    const reload = (): void =>
      serial(async () => {
        let next: Config;
        try {
          next = loadConfig(o.config);
          loadTls(next); // fresh files: a renewed certificate is picked up by SIGHUP
        } catch (e) {
          logFailure(logger, e, { startedAt: performance.now(), extra: { during: 'SIGHUP reload; keeping the running config' } });
          return;
        }
        logger.info({ event: 'reload' }, 'SIGHUP: reloading the config');
        await node.stop(false);
        const [oldConfig, oldLogger] = [config, logger];
        config = next;
        logger = createLogger(config.log, { cmd: 'watch' }).logger;
        node = new WatchNode(config, logger);
        try {
          await node.start();
        } catch (e) {
          // say, the new metrics address cannot be bound: back to the running config
          logFailure(logger, e, { startedAt: performance.now(), extra: { during: 'SIGHUP reload: starting with the new config failed; keeping the running config' } });
          await node.stop(false).catch(() => undefined);
          [config, logger] = [oldConfig, oldLogger];
          node = new WatchNode(config, logger);
          try {
            await node.start();
          } catch (e2) {
            logFailure(logger, e2, { startedAt: performance.now(), extra: { during: 'restarting with the running config' } });
            removeWatchPid(runDir);
            resolve(1);
            return;
          }
        }
        if (config.runDir !== runDir) {
          removeWatchPid(runDir);
          runDir = config.runDir;
          writeWatchPid(runDir);
        }
      });
    const onTerm = (): void => stop('SIGTERM');
    const onInt = (): void => stop('SIGINT');
    const onHup = (): void => reload();
    process.on('SIGTERM', onTerm).on('SIGINT', onInt).on('SIGHUP', onHup);
  });
}
