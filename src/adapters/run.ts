/** Run one external command as an argv array (never a shell). Never throws for a non-zero exit. */
import { execa } from 'execa';

export interface RunResult {
  argv: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Set when the command could not start at all (ENOENT...). */
  failedToStart?: string;
}

export async function run(argv: readonly string[], options: { timeoutMs?: number; input?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) throw new TypeError('run: empty argv');
  const started = performance.now();
  const r = await execa(file, args, {
    reject: false,
    shell: false,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    ...(options.input === undefined ? {} : { input: options.input }),
    timeout: options.timeoutMs ?? 10_000,
    env: { ...options.env, LC_ALL: 'C' }, // stable messages to match on (e.g. "File exists")
    stripFinalNewline: true,
  });
  const result: RunResult = {
    argv: [...argv],
    exitCode: r.exitCode ?? null,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  };
  const code = (r as { code?: string }).code;
  if (r.failed && r.exitCode === undefined) result.failedToStart = r.timedOut ? 'timed out' : (code ?? r.shortMessage);
  return result;
}

export function ok(r: RunResult): boolean {
  return r.exitCode === 0 && r.failedToStart === undefined;
}

/** One line saying how a command failed, for errors and logs. */
export function describeFailure(r: RunResult): string {
  const why = r.failedToStart ?? `exit ${r.exitCode}`;
  const err = r.stderr.trim().split('\n').slice(-1)[0];
  return `${r.argv.join(' ')}: ${why}${err ? `: ${err}` : ''}`;
}
