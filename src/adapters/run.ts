/**
 * Run one external command as an argv array (never a shell). Never throws for
 * a non-zero exit. Plain node:child_process rather than execa: this module is
 * on the hook's start-up path, and importing execa cost ~40 ms of a ~150 ms
 * hook on these machines (measured; see README, "Performance").
 */
import { spawn } from 'node:child_process';
import { CHILD_ENV, resolveArgv } from './system';

export interface RunResult {
  argv: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Set when the command could not start at all (ENOENT...) or was killed by the timeout. */
  failedToStart?: string;
  /** It outlived its timeout and was killed (with everything it started). */
  timedOut?: true;
}

/** Output kept per stream; a command printing more is killed (ip -json of a host with thousands of addresses stays far below). */
const MAX_OUTPUT = 64 * 1024 * 1024;

/** The default deadline of one command. */
export const RUN_TIMEOUT_MS = 10_000;

/**
 * `ip` and `arping` run from the system directories (see ./system), anything
 * else is looked up in the fixed PATH; the child's environment is CHILD_ENV
 * plus `options.env`, never the caller's.
 *
 * The child leads a process group of its own: a command that outlives its
 * timeout is killed with SIGKILL together with everything it started (an
 * `ip` replaced by a wrapper script, a helper it forked), so a hung command
 * never leaves a process behind.
 */
export function run(argv: readonly string[], options: { timeoutMs?: number; input?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  if (!argv[0]) throw new TypeError('run: empty argv');
  const started = performance.now();
  const timeoutMs = Math.max(0, options.timeoutMs ?? RUN_TIMEOUT_MS);
  const duration = (): number => Math.round((performance.now() - started) * 10) / 10;
  let file: string;
  let args: string[];
  try {
    [file, ...args] = resolveArgv(argv) as [string, ...string[]];
  } catch (e) {
    return Promise.resolve({ argv: [...argv], exitCode: null, stdout: '', stderr: '', durationMs: 0, failedToStart: (e as Error).message });
  }
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      shell: false,
      detached: true, // its own process group, killed as a whole on timeout
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...CHILD_ENV, ...options.env, LC_ALL: 'C' },
    });
    const out = { stdout: [] as Buffer[], stderr: [] as Buffer[], size: 0 };
    let failed: string | undefined;
    let timedOut = false;
    let exited = false;
    const killGroup = (): void => {
      if (exited || child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      failed = `timed out after ${timeoutMs} ms`;
      killGroup();
    }, timeoutMs);
    const collect = (into: Buffer[]) => (d: Buffer) => {
      out.size += d.length;
      if (out.size > MAX_OUTPUT) {
        failed ??= `more than ${MAX_OUTPUT} bytes of output`;
        killGroup();
        return;
      }
      into.push(d);
    };
    child.stdout!.on('data', collect(out.stdout));
    child.stderr!.on('data', collect(out.stderr));
    child.stdin!.on('error', () => undefined); // a child that exits without reading its input
    child.on('exit', (code, signal) => {
      exited = true;
      // a descendant that left our group may hold the pipes open: do not wait for it
      setTimeout(() => {
        child.stdout!.destroy();
        child.stderr!.destroy();
        finish(code, code === null ? String(signal) : undefined);
      }, 1000).unref();
    });
    let done = false;
    const finish = (exitCode: number | null, why?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const result: RunResult = {
        argv: [...argv],
        exitCode: failed === undefined ? exitCode : null,
        stdout: Buffer.concat(out.stdout).toString('utf8').replace(/\n$/, ''),
        stderr: Buffer.concat(out.stderr).toString('utf8').replace(/\n$/, ''),
        durationMs: duration(),
      };
      const reason = failed ?? why;
      if (reason !== undefined) result.failedToStart = reason;
      if (timedOut) result.timedOut = true;
      resolve(result);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      exited = true;
      finish(null, String(e.code ?? e.message));
    });
    // 'close': the exit and all of its output
    child.on('close', (code, signal) => finish(code, code === null ? String(signal) : undefined));
    child.stdin!.end(options.input);
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
