/**
 * Which entry point a command line is for, decided before anything heavy is
 * loaded. Pure. Sentinel calls `vipctl <7 args>`; the second is a role.
 */
export type Route = { kind: 'hook'; args: string[] } | { kind: 'main'; args: string[] };

/** Command names of src/commands/main.ts: a seven-argument call starting with one is that command. */
export const COMMANDS: ReadonlySet<string> = new Set(['hook', 'reconcile', 'watch', 'lab', 'help', 'bind', 'unbind', 'status', 'doctor', 'check', 'switchover', 'config', 'hold', 'release-hold']);

export function route(argv: readonly string[]): Route {
  const args = [...argv];
  const sentinelShaped = args.length === 7 && (args[1] === 'leader' || args[1] === 'observer' || !COMMANDS.has(args[0]!));
  if (sentinelShaped) return { kind: 'hook', args };
  if (args[0] === 'hook' && !args.includes('--help') && !args.includes('-h')) return { kind: 'hook', args: args.slice(1) };
  return { kind: 'main', args };
}
