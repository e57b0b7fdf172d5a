/**
 * The load bench:failover's loaded variant runs under, started and stopped
 * by the bench (SIGTERM: it removes what it made). What three integration
 * suites at once do to this 2-core machine, beyond plain CPU:
 *  - namespace churn: network namespaces with a veth pair and an address made
 *    and deleted in a loop (labs going up and down: each takes the kernel's
 *    rtnl and net-namespace locks every `ip addr add` also needs);
 *  - process churn: short processes started in a loop (each suite's ip,
 *    redis-cli, node: fork and exec of big parents);
 *  - memory: ~1.5 GB allocated and rewritten (vitest workers, redis-servers);
 *  - one busy loop (the suites' CPU).
 * Namespaces are named vipctl-load-<pid>-<n> and removed by name.
 */
import { spawn, spawnSync } from 'node:child_process';

const tag = `vipctl-load-${process.pid}`;
let stopping = false;
const made = new Set<string>();

function sh(argv: string[]): Promise<void> {
  return new Promise((r) => {
    const c = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
    c.once('error', () => r());
    c.once('close', () => r());
  });
}

async function namespaceChurn(lane: number): Promise<void> {
  for (let i = 0; !stopping; i++) {
    const ns = `${tag}-${lane}-${i % 4}`;
    made.add(ns);
    await sh(['ip', 'netns', 'add', ns]);
    await sh(['ip', '-n', ns, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'b0']);
    await sh(['ip', '-n', ns, 'link', 'set', 'a0', 'up']);
    await sh(['ip', '-n', ns, 'addr', 'add', `198.19.${lane}.${(i % 200) + 1}/24`, 'dev', 'a0']);
    await sh(['ip', 'netns', 'del', ns]);
    made.delete(ns);
  }
}

async function processChurn(): Promise<void> {
  while (!stopping) await Promise.all([sh(['true']), sh(['true']), sh(['sh', '-c', 'exit 0'])]);
}

function memory(): void {
  const bufs = Array.from({ length: 12 }, () => Buffer.alloc(128 * 1024 * 1024));
  let k = 0;
  const touch = (): void => {
    if (stopping) return;
    bufs[k++ % bufs.length]!.fill(k & 0xff);
    setTimeout(touch, 20);
  };
  touch();
}

function busy(): void {
  const end = Date.now() + 40;
  while (Date.now() < end) Math.sqrt(Math.random());
  if (!stopping) setImmediate(busy);
}

process.on('SIGTERM', () => {
  stopping = true;
  for (const ns of made) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  process.exit(0);
});

memory();
busy();
void namespaceChurn(1);
void namespaceChurn(2);
void processChurn();
process.stdout.write('load running\n');
