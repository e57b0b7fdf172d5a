/**
 * The hook without capabilities (package only, src/sea-hook.ts): Sentinel's
 * side of the hook holds no capability and hands its seven arguments to a
 * helper that does hold CAP_NET_ADMIN/CAP_NET_RAW, over a unix socket:
 *
 *   redis-sentinel (no capabilities)
 *     -> /usr/lib/vipctl/vipctl-hook <7 args>            relay(): connect, send, wait
 *        -> /run/vipctl-hook/hook.sock (root:redis 0660, vipctl-hook.socket, Accept=yes)
 *           -> vipctl-hook@.service: vipctl-hook --serve  serve(): the hook itself,
 *              as the watcher's user, with the two capabilities, its own config and environment
 *
 * The helper believes the client no more than the hook believes Sentinel: the
 * seven arguments only (the same checks as ever: parseHookArgs, the config's
 * masters, local addresses); never the client's environment, config path or
 * run dir. What a compromised Sentinel can do through it is what it could do
 * before by lying in the hook's arguments: no capability of its own.
 *
 * One request, one line of JSON each way: {"args":[...]} then {"exitCode":N}.
 */
import { lstatSync } from 'node:fs';
import { connect, Socket } from 'node:net';

/** Where the package's socket unit listens; $VIPCTL_HOOK_SOCKET overrides it (harmless: the client has nothing to lose). */
export { HOOK_SOCKET } from './core/local-hook';
/** Under Sentinel's 60 s kill: the helper's own deadline (HOOK_DEADLINE_MS, 50 s) plus start-up. */
export const RELAY_DEADLINE_MS = 55_000;
const MAX_REQUEST_BYTES = 4096;
const REQUEST_TIMEOUT_MS = 5000;

/** One line from the socket (at most `max` bytes), or null on close, overflow or timeout. */
function readLine(sock: Socket, max: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    let buf = '';
    const done = (v: string | null): void => {
      clearTimeout(timer);
      sock.removeAllListeners('data');
      resolve(v);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) done(buf.slice(0, nl));
      else if (buf.length > max) done(null);
    });
    sock.once('end', () => done(null));
    sock.once('error', () => done(null));
  });
}

/** The request's seven arguments, or null when it is anything else. */
export function parseRequest(line: string): string[] | null {
  try {
    const v = JSON.parse(line) as { args?: unknown };
    const args = v?.args;
    return Array.isArray(args) && args.length === 7 && args.every((a) => typeof a === 'string' && a.length <= 256) ? (args as string[]) : null;
  } catch {
    return null;
  }
}

/** `path` does not exist (ENOENT); anything else (EACCES...) is for the connect to report. */
function absent(path: string): boolean {
  try {
    lstatSync(path);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * Sentinel's side: send the arguments to the helper and exit with its code.
 * Returns null when no helper listens at `path` (no socket file): the caller
 * then runs the hook in this process (Sentinel with capabilities, or root).
 */
export async function relay(args: readonly string[], path: string, deadlineMs = RELAY_DEADLINE_MS, open: (path: string) => Socket = connect): Promise<number | null> {
  // No socket file: no helper, decided by one lstat; a connect would learn it only a turn of the event loop later (~2 ms at the hook's start)
  if (absent(path)) return null;
  const sock = open(path);
  const opened = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    sock.once('connect', () => resolve(null));
    sock.once('error', (e: NodeJS.ErrnoException) => resolve(e));
  });
  if (opened) {
    if (opened.code === 'ENOENT') return null;
    process.stderr.write(`vipctl-hook: cannot reach the hook helper at ${path}: ${opened.code ?? opened.message} (systemctl status vipctl-hook.socket); Sentinel retries\n`);
    return 1;
  }
  sock.write(`${JSON.stringify({ args })}\n`);
  const line = await readLine(sock, 256, deadlineMs);
  sock.destroy();
  let code = NaN;
  try {
    code = line === null ? NaN : Number((JSON.parse(line) as { exitCode?: unknown }).exitCode);
  } catch {
    /* not an answer */
  }
  if (!Number.isInteger(code)) {
    process.stderr.write(`vipctl-hook: the hook helper at ${path} gave no answer within ${deadlineMs} ms (journalctl -u 'vipctl-hook@*'); Sentinel retries\n`);
    return 1;
  }
  return code;
}

/**
 * The helper's side (`vipctl-hook --serve`): the accepted connection is on
 * fd 0 (systemd's StandardInput=socket, or systemd-socket-activate --inetd);
 * tests pass a socket of their own.
 * Reads one request, runs `hook`, answers with its exit code.
 */
export async function serve(hook: (args: string[]) => Promise<number>, sock: Socket = new Socket({ fd: 0, readable: true, writable: true })): Promise<number> {
  const line = await readLine(sock, MAX_REQUEST_BYTES, REQUEST_TIMEOUT_MS);
  const args = line === null ? null : parseRequest(line);
  const code = args === null ? 2 : await hook(args);
  if (args === null) process.stderr.write('vipctl-hook --serve: not a hook request (one line of JSON: {"args": [7 strings]})\n');
  await new Promise<void>((resolve) => sock.end(`${JSON.stringify({ exitCode: code })}\n`, () => resolve()));
  return code;
}
