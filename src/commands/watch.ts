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

/** The pid file is for `doctor`: a failure to write it is a warning, never a reason to stop. */
function pidFile(logger: Logger, runDir: string): void {
  const r = writeWatchPid(runDir);
  if (r.error) logger.warn({ event: 'pid-file-error', path: r.file, reason: r.error }, `cannot write ${r.file}: ${r.error}; running without it (doctor will not see this watcher)`);
}

export async function watchCommand(o: WatchOptions): Promise<number> {
  // stdout/stderr as streams (Node's own warnings): a closed pipe must not kill the watcher with an 'error' event
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  let config: Config = loadConfig(o.config);
  loadTls(config);
  let log = createLogger(config.log, { cmd: 'watch' });
  let logger: Logger = log.logger;
  let runDir = config.runDir;
  pidFile(logger, runDir);
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
    // a failure in a reload or a stop is logged, never an unhandled rejection (which would kill the watcher)
    busy = busy.then(f).catch((e: unknown) => void logFailure(logger, e, { startedAt: performance.now(), extra: { during: 'handling a signal' } }));
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
        const [oldConfig, oldLog] = [config, log];
        config = next;
        log = createLogger(config.log, { cmd: 'watch' });
        logger = log.logger;
        node = new WatchNode(config, logger);
        try {
          await node.start();
          oldLog.sink.close(); // what it replaces: its log file (one fd per reload, before)
        } catch (e) {
          // say, the new metrics address cannot be bound: back to the running config
          logFailure(logger, e, { startedAt: performance.now(), extra: { during: 'SIGHUP reload: starting with the new config failed; keeping the running config' } });
          await node.stop(false).catch(() => undefined);
          log.sink.close();
          [config, log] = [oldConfig, oldLog];
          logger = log.logger;
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
          try {
            pidFile(logger, runDir);
          } catch (e) {
            logFailure(logger, e, { startedAt: performance.now(), extra: { during: 'writing the pid file in the new runDir' } });
          }
        }
      });
    const onTerm = (): void => stop('SIGTERM');
    const onInt = (): void => stop('SIGINT');
    const onHup = (): void => reload();
    process.on('SIGTERM', onTerm).on('SIGINT', onInt).on('SIGHUP', onHup);
  });
}
