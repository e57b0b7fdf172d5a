/**
 * `ip addr add/del` without a spawn: one `ip -o -force -batch -` child fed
 * one command per line. After each command a marker, `link show dev
 * vipctl/mark` (a name no link can have: "/" is refused in names), whose
 * error ends up on stderr after the command's own: what stderr says between
 * two markers is the command's error, nothing is success. ip's stderr is
 * unbuffered and in order; its stdout is not read. A command that outlives
 * its timeout kills the child (the next command starts a new one). Arguments
 * with whitespace, quotes, `#` or `\` are refused (batch lines are split by
 * ip's own parser: argv must stay data); so is anything but `ip [-4|-6]
 * addr|address add|del ...`: callers spawn those (runIp below does).
 */
import type { RunResult } from '../run';
import { run, RUN_TIMEOUT_MS } from '../run';
import { inNetns, killGroup, spawnIp, type IpChild } from './child';

export const BATCH_ARGV = ['ip', '-o', '-force', '-batch', '-'] as const;
const MARKER = 'vipctl/mark';
const MARKER_LINE = `Device "${MARKER}" does not exist.`;
const FAILED = /^Command failed -:\d+$/;
const UNSAFE = /[\s"'#\\]/;

/** The batch line for argv, or why it cannot be one. */
export function batchLine(argv: readonly string[]): { line: string } | { refused: string } {
  if (argv[0] !== 'ip') return { refused: 'not an ip command' };
  let rest = argv.slice(1);
  // ip -6/-4 addr ...: the address names its family; batch lines take no global options
  if (rest[0] === '-6' || rest[0] === '-4') rest = rest.slice(1);
  if (!(rest[0] === 'addr' || rest[0] === 'address') || !(rest[1] === 'add' || rest[1] === 'del')) return { refused: `not ip addr add/del: ${argv.join(' ')}` };
  const bad = rest.find((a) => a === '' || UNSAFE.test(a));
  if (bad !== undefined) return { refused: `argument ${JSON.stringify(bad)} holds whitespace, a quote, # or \\` };
  return { line: rest.join(' ') };
}

type Outcome = Pick<RunResult, 'exitCode' | 'stderr' | 'failedToStart' | 'timedOut'>;

interface Pending {
  err: string[];
  done: (r: Outcome) => void;
}

export class IpBatch {
  private child: IpChild | null = null;
  private pending: Pending | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private buf = '';
  private closed = false;
  readonly stats = { commands: 0, starts: 0, timeouts: 0 };

  /** netns: the child runs there (`ip netns exec`; the tests' own namespaces). */
  constructor(private readonly o: { netns?: string } = {}) {}

  /** Run one `ip addr add/del` in the batch child (queued behind the one running); refused argv throws. */
  run(argv: readonly string[], o: { timeoutMs?: number } = {}): Promise<RunResult> {
    const b = batchLine(argv);
    if ('refused' in b) return Promise.reject(new Error(`ip batch: ${b.refused}`));
    const next = this.tail.then(() => this.one([...argv], b.line, o.timeoutMs ?? RUN_TIMEOUT_MS));
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** The child's pid (tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.child;
    this.child = null;
    if (c) {
      c.stdin?.end();
      killGroup(c);
    }
  }

  private one(argv: string[], line: string, timeoutMs: number): Promise<RunResult> {
    if (this.closed) return Promise.reject(new Error('ip batch closed'));
    const c = this.child ?? this.start();
    return new Promise((resolve) => {
      const started = performance.now();
      const p: Pending = {
        err: [],
        done: (r) => {
          clearTimeout(timer);
          if (this.pending === p) this.pending = null;
          const out: RunResult = { argv, exitCode: r.exitCode, stdout: '', stderr: r.stderr, durationMs: Math.round((performance.now() - started) * 10) / 10 };
          if (r.failedToStart !== undefined) out.failedToStart = r.failedToStart;
          if (r.timedOut) out.timedOut = true;
          resolve(out);
        },
      };
      const timer = setTimeout(() => {
        this.stats.timeouts++;
        if (this.child === c) this.child = null;
        killGroup(c);
        p.done({ exitCode: null, stderr: p.err.join('\n'), timedOut: true, failedToStart: `timed out after ${timeoutMs} ms` });
      }, timeoutMs);
      this.pending = p;
      this.stats.commands++;
      c.stdin!.write(`${line}\nlink show dev ${MARKER}\n`);
    });
  }

  private start(): IpChild {
    const c = spawnIp(inNetns(this.o.netns, BATCH_ARGV.slice(1)), true);
    this.stats.starts++;
    this.child = c;
    this.buf = '';
    c.on('error', () => undefined);
    c.stdin!.on('error', () => undefined);
    c.stdout.resume(); // link show of a marker prints nothing; anything else is not ours to read
    c.stderr.setEncoding('utf8');
    c.stderr.on('data', (s: string) => {
      if (this.child !== c) return;
      this.buf += s;
      let i: number;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const l = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        this.onErrLine(l);
      }
    });
    c.once('close', (code, signal) => {
      if (this.child !== c) return;
      this.child = null;
      this.pending?.done({ exitCode: null, stderr: this.pending.err.join('\n'), failedToStart: `ip -batch exited (${signal ?? `code ${code}`})` });
    });
    return c;
  }

  private onErrLine(l: string): void {
    const p = this.pending;
    if (FAILED.test(l)) return;
    if (l === MARKER_LINE) {
      p?.done({ exitCode: p.err.length === 0 ? 0 : 2, stderr: p.err.join('\n') });
      return;
    }
    p?.err.push(l);
  }
}

/** Runs `ip addr add/del` through `batch`, every other command (or a refused one) as its own process. */
export function ipRunner(batch: IpBatch): (argv: readonly string[], o: { timeoutMs?: number }) => Promise<RunResult> {
  return (argv, o) => ('line' in batchLine(argv) ? batch.run(argv, o) : run(argv, o));
}
