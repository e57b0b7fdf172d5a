/**
 * Run one external command as an argv array (never a shell). Never throws for
 * a non-zero exit. Plain node:child_process rather than execa: this module is
 * on the hook's start-up path, and importing execa cost ~40 ms of a ~150 ms
 * hook on these machines (measured; see README, "Performance").
 */
import { execFile } from 'node:child_process';
import { CHILD_ENV, resolveArgv } from './system';

export interface RunResult {
  argv: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Set when the command could not start at all (ENOENT...) or was killed by the timeout. */
  failedToStart?: string;
}

/**
 * `ip` and `arping` run from the system directories (see ./system), anything
 * else is looked up in the fixed PATH; the child's environment is CHILD_ENV
 * plus `options.env`, never the caller's.
 */
export function run(argv: readonly string[], options: { timeoutMs?: number; input?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  if (!argv[0]) throw new TypeError('run: empty argv');
  const started = performance.now();
  let file: string;
  let args: string[];
  try {
    [file, ...args] = resolveArgv(argv) as [string, ...string[]];
  } catch (e) {
    return Promise.resolve({ argv: [...argv], exitCode: null, stdout: '', stderr: '', durationMs: 0, failedToStart: (e as Error).message });
  }
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      {
        shell: false,
        timeout: options.timeoutMs ?? 10_000,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
        env: { ...CHILD_ENV, ...options.env, LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        const result: RunResult = {
          argv: [...argv],
          exitCode: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          stdout: stdout.replace(/\n$/, ''),
          stderr: stderr.replace(/\n$/, ''),
          durationMs: Math.round((performance.now() - started) * 10) / 10,
        };
        if (error && typeof error.code !== 'number') {
          result.failedToStart = error.killed ? `timed out after ${options.timeoutMs ?? 10_000} ms` : String(error.code ?? error.signal ?? error.message);
        }
        resolve(result);
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
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
