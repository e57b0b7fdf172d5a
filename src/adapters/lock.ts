/**
 * The per-VIP lock: an abstract Unix socket named `@vipctl/<name>`.
 * Binding it is exclusive; the kernel frees it when the holder exits, even
 * on SIGKILL, so there are no stale lock files. Abstract sockets belong to the
 * network namespace, which is exactly "this host" for a VIP (and keeps the
 * lab's namespaced hosts apart). `ss -xlp | grep vipctl` shows the holder.
 */
import net from 'node:net';
import { VipctlError } from '../core/errors';

export interface Lock {
  name: string;
  /** ms spent waiting for another holder; 0 when the lock was free at once. */
  waitedMs: number;
  release(): Promise<void>;
}

function tryBind(path: string): Promise<net.Server | null> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(null) : reject(e)));
    server.listen(path, () => {
      server.unref();
      resolve(server);
    });
  });
}

export async function acquireLock(name: string, timeoutMs: number): Promise<Lock> {
  const path = `\0vipctl/${name}`;
  const started = performance.now();
  let delay = 2;
  for (let attempt = 0; ; attempt++) {
    const server = await tryBind(path);
    if (server) {
      return {
        name,
        waitedMs: attempt === 0 ? 0 : Math.round(performance.now() - started),
        release: () => new Promise<void>((r) => server.close(() => r())),
      };
    }
    if (performance.now() - started >= timeoutMs) {
      throw new VipctlError('LOCK_TIMEOUT', `lock @vipctl/${name} still held after ${timeoutMs} ms (see: ss -xlp | grep vipctl)`);
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 50);
  }
}

export function vipLockName(vip: string): string {
  return `vip-${vip}`;
}
