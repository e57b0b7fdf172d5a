/**
 * `vipctl reconcile [--dry-run]`: one pass of "ask Sentinel, fix this node"
 * for every master in the config. When a majority of Sentinels cannot be
 * had, the VIP is left as it is and the exit code is 1 (try again). The
 * JSON lines go to the log (and stderr) as for every command; stdout gets
 * one line per master for the operator (`--json`: one JSON object instead).
 */
import type { Config } from '../core/config';
import { VipctlError } from '../core/errors';
import { desiredFromMaster } from '../core/desired';
import { askSentinelsForAll } from '../adapters/sentinel';
import type { Logger } from '../adapters/log';
import { converge } from '../pass/converge';
import { JoinNext } from '../pass/join-next';
import { readLinks } from '../adapters/ip';
import { resolveMasterNames } from '../pass/resolve-masters';
import { logFailure } from '../pass/failure';

/** The adapters reconcile uses (default: the real ones); the unit tests pass fakes. */
export interface ReconcileDeps {
  askSentinelsForAll: typeof askSentinelsForAll;
  resolveMasterNames: typeof resolveMasterNames;
  readLinks: typeof readLinks;
  converge: typeof converge;
  stdout: (text: string) => void;
}
const ADAPTERS: ReconcileDeps = { askSentinelsForAll, resolveMasterNames, readLinks, converge, stdout: (t) => void process.stdout.write(t) };

export async function reconcileCommand(config: Config, logger: Logger, options: { dryRun?: boolean; json?: boolean; deps?: Partial<ReconcileDeps> } = {}): Promise<number> {
  const d = { ...ADAPTERS, ...options.deps };
  let code = 0;
  const summary = new Map<string, ReconcileSummary>();
  // One SENTINEL MASTERS per Sentinel for the whole pass, whatever the number of masters.
  const views = await d.askSentinelsForAll(config, config.masters.keys());
  // Masters named by host name (announce-hostnames yes): resolved once each, under a deadline.
  const resolved = await d.resolveMasterNames(views.values());
  // Every master at once, each under its own lock; the links are read once for
  // all of them taking their lock in the same turn (one `ip -json addr show`, each
  // read started after the lock of every master it serves).
  const links = new JoinNext(() => d.readLinks());
  // Every master's pass runs to its end: one master's unexpected error must not cut the others' short.
  const passes = await Promise.allSettled([...config.masters.values()].map(async (master) => {
    const startedAt = performance.now();
    const view = views.get(master.name)!;
    const said = `${view.agreeing}/${view.total} sentinels agree`;
    let why = '';
    try {
      const result = await d.converge({
        config,
        master,
        logger,
        announceWhenBound: false,
        dryRun: options.dryRun ?? false,
        readLinks: () => links.get(),
        moved: () => ({ newMaster: view.master }),
        want: (local) => {
          if (view.master === null) {
            why = `no majority of sentinels agrees on a master (${said}; ${view.answers.map((a) => `${a.sentinel}: ${a.master ?? a.error}`).join(', ')})`;
            return { desired: 'unknown', reason: why };
          }
          const want = desiredFromMaster(view.master, local, resolved);
          why = `${want.reason} (${said})`;
          return { ...want, reason: why };
        },
      });
      summary.set(master.name, { master: master.name, vip: master.vip.text, action: result.decision.action !== 'none' ? result.decision.action : result.decision.deprecate ? 'deprecate' : result.decision.announce ? 'announce' : 'noop', is: result.decision.is, mustBe: result.decision.mustBe, reason: `${why}; ${result.decision.reason}` });
      // Unknown (no majority, or an address vipctl cannot compare): nothing changed, try again later.
      if (result.decision.mustBe === 'unknown') code = Math.max(code, 1);
    } catch (e) {
      // an unexpected error still gets its line for the operator, then is thrown once every pass is over
      summary.set(master.name, { master: master.name, vip: master.vip.text, action: 'failed', is: '?', mustBe: '?', reason: e instanceof Error ? e.message : String(e) });
      if (!(e instanceof VipctlError)) throw e;
      code = Math.max(code, logFailure(logger, e, { master, startedAt }));
    }
  }));
  const ordered = [...config.masters.keys()].map((n) => summary.get(n)).filter((x) => x !== undefined);
  if (options.json) d.stdout(`${JSON.stringify({ dryRun: options.dryRun === true, masters: ordered })}\n`);
  else for (const m of ordered) d.stdout(`${summaryLine(m, options.dryRun === true)}\n`);
  const unexpected = passes.find((p) => p.status === 'rejected');
  if (unexpected) throw (unexpected as PromiseRejectedResult).reason;
  return code;
}

export interface ReconcileSummary {
  master: string;
  vip: string;
  /** The decision's action (bind, unbind, ...), noop when nothing was to be done, failed on an error. */
  action: string;
  is: string;
  mustBe: string;
  reason: string;
}

/** One line for the operator: `mymaster 10.0.0.100/24: bind (is elsewhere, must be here): ...`. */
export function summaryLine(m: ReconcileSummary, dryRun: boolean): string {
  return `${m.master} ${m.vip}: ${dryRun && m.action !== 'noop' && m.action !== 'failed' ? `would ${m.action}` : m.action} (is ${m.is}, must be ${m.mustBe}): ${m.reason}`;
}
