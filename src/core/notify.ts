/**
 * Notify commands (`notify.onBind` / `notify.onUnbind`): the operator's argv
 * arrays, run after this host bound or removed a VIP. Pure: the placeholders,
 * their checks (for the config) and their substitution, and which steps of a
 * pass are real changes. Running them is src/adapters/notify.ts.
 *
 * A placeholder is `{name}` with a name of PLACEHOLDERS, anywhere inside an
 * argument (`--ip={vip}`); each argument is substituted on its own and stays
 * one argument (no shell, no splitting). A `{` that does not start
 * `{letters}` is kept as it is (`{"vip":"{vip}"}` is JSON with one
 * placeholder); `{letters}` with an unknown name is refused by the config.
 */

/** What each placeholder stands for (README, "Notify commands"). */
export const PLACEHOLDERS = {
  master: 'the Sentinel master name',
  vip: 'the VIP address, without prefix',
  cidr: 'the VIP with its prefix (10.0.0.100/24)',
  interface: 'the interface the VIP was added to, or removed from it',
  action: 'bind or unbind',
  reason: "the pass's reason (why the VIP must be here, or not)",
  newMaster: 'where the master is now (ip:port), when known, else empty',
  oldMaster: 'the master replaced (ip:port), when known, else empty',
  host: "this host's name (os.hostname())",
} as const;

export type Placeholder = keyof typeof PLACEHOLDERS;
export type NotifyAction = 'bind' | 'unbind';

/** One value per placeholder; unknown ones are empty strings. */
export type NotifyFacts = Record<Placeholder, string>;

/** A master's notify commands, after the master's own replaced the global ones. */
export interface NotifyCommands {
  onBind?: string[];
  onUnbind?: string[];
  timeoutMs: number;
}

export const DEFAULT_NOTIFY_TIMEOUT_MS = 10_000;

const TOKEN = /\{([A-Za-z]+)\}/g;

function isPlaceholder(name: string): name is Placeholder {
  return Object.prototype.hasOwnProperty.call(PLACEHOLDERS, name);
}

/** What is wrong with one notify argv, as [index or '', reason] pairs (empty when nothing). */
export function notifyArgvProblems(argv: readonly string[]): Array<[string, string]> {
  if (argv.length === 0) return [['', 'must not be empty: [/absolute/program, args...]']];
  const out: Array<[string, string]> = [];
  const program = argv[0]!;
  if (!program.startsWith('/')) out.push(['0', `must be an absolute path (start with /), not ${JSON.stringify(program)}: the program runs without a shell and without the caller's PATH`]);
  else if (/\{[A-Za-z]+\}/.test(program)) out.push(['0', 'the program must not contain a placeholder']);
  argv.forEach((arg, i) => {
    if (arg.includes('\0')) out.push([String(i), 'must not contain a NUL character']);
    for (const m of arg.matchAll(TOKEN)) {
      if (!isPlaceholder(m[1]!)) out.push([String(i), `unknown placeholder {${m[1]}} (known: ${Object.keys(PLACEHOLDERS).map((p) => `{${p}}`).join(', ')})`]);
    }
  });
  return out;
}

/** argv with every placeholder replaced, argument by argument. */
export function substitute(argv: readonly string[], facts: NotifyFacts): string[] {
  return argv.map((arg) => arg.replace(TOKEN, (whole, name: string) => (isPlaceholder(name) ? facts[name] : whole)));
}

/** The command a change runs, or undefined when none is configured for that action. */
export function commandFor(commands: NotifyCommands | undefined, action: NotifyAction): string[] | undefined {
  return action === 'bind' ? commands?.onBind : commands?.onUnbind;
}

/** A step's result as the pass logged it: what, on which interface, and whether it was a no-op ("already bound"). */
export interface ChangeStep {
  what: string;
  interface: string;
  noop: boolean;
}

/**
 * The real changes among a pass's exec steps, in order: an `ip addr add`
 * that added the address is a bind, an `ip addr del` that removed it an
 * unbind; an add or delete that found nothing to do (note "already bound"
 * / "already gone") and a deprecation are none.
 */
export function realChanges(steps: readonly ChangeStep[]): Array<{ action: NotifyAction; interface: string }> {
  const out: Array<{ action: NotifyAction; interface: string }> = [];
  for (const s of steps) {
    if (s.noop) continue;
    if (s.what === 'ip-add') out.push({ action: 'bind', interface: s.interface });
    else if (s.what === 'ip-del') out.push({ action: 'unbind', interface: s.interface });
  }
  return out;
}

/**
 * The watcher's {newMaster} and {oldMaster}: during a failover, the replica it
 * promoted (or selected) and the master it replaces; otherwise the majority's
 * master and the master the last completed failover replaced (null: unknown).
 */
export function watchMoved(
  majority: string | null,
  s: { failover: { oldMaster: string; selected: string | null; promotedHere: string | null } | null; done: string | null },
): { newMaster: string | null; oldMaster: string | null } {
  const f = s.failover;
  if (!f) return { newMaster: majority, oldMaster: s.done };
  return { newMaster: f.promotedHere ?? f.selected ?? (majority !== f.oldMaster ? majority : null), oldMaster: f.oldMaster };
}
