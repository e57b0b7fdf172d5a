/**
 * Has the `ip monitor` child printed every notification the kernel queued
 * for it before now? Read from /proc, no spawn:
 *  - the child sleeps (state S) in recvmsg(2) (/proc/PID/stat, /proc/PID/syscall):
 *    the kernel queues a notification and wakes its listener inside the
 *    changing call itself, so a listener asleep in recvmsg now has read,
 *    printed and flushed (ipmonitor.c fflush()es after each message) all that
 *    came before; its socket's receive queue is empty (Rmem in /proc/PID/net/netlink);
 *  - the bytes it wrote (/proc/PID/io wchar) are the bytes we received.
 * Drops (the same file) counts notifications lost on overrun: any rise means resync.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** recvmsg's number by architecture (/proc/PID/syscall's first field). */
const RECVMSG: Partial<Record<NodeJS.Architecture, number>> = { x64: 47, arm64: 212, arm: 297, ia32: 372, riscv64: 212, ppc64: 342, s390x: 372 };

export interface ChildState {
  /** Asleep in recvmsg with nothing queued. */
  idle: boolean;
  /** Bytes the child wrote (stdout and stderr). */
  written: number;
  /** Notifications its sockets dropped (overrun), summed. */
  drops: number;
}

export class ChildWatch {
  private inodes: Set<string> | null = null;
  /** The process holding the netlink socket: the child itself, or under a wrapper script its descendant. */
  private pid: number | null = null;

  constructor(readonly rootPid: number) {}

  /** null: /proc says nothing usable (the child is gone, another arch): the caller dumps instead. */
  state(): ChildState | null {
    try {
      if (this.pid === null && !this.locate()) return null;
      const recvmsg = RECVMSG[process.arch];
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'latin1');
      const st = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      const sys = readFileSync(`/proc/${this.pid}/syscall`, 'latin1');
      const inRecv = recvmsg !== undefined && sys.startsWith(`${recvmsg} `);
      const io = /^wchar: (\d+)$/m.exec(readFileSync(`/proc/${this.pid}/io`, 'latin1'));
      const q = this.queues();
      if (!io || !q) return this.retried ? null : this.again();
      return { idle: st === 'S' && inRecv && q.rmem === 0, written: Number(io[1]), drops: q.drops };
    } catch {
      return null;
    }
  }

  private retried = false;

  /** Once: the sockets found were not the listener's (it exec'd meanwhile): locate and read again. */
  private again(): ChildState | null {
    this.retried = true;
    try {
      return this.state();
    } finally {
      this.retried = false;
    }
  }

  /** Find the process with the sockets (kept once found; until then, nothing is cached). */
  private locate(): boolean {
    const todo = [this.rootPid];
    for (let i = 0; i < todo.length && i < 16; i++) {
      const pid = todo[i]!;
      const inodes = socketInodes(pid);
      if (inodes.size > 0) {
        this.pid = pid;
        this.inodes = inodes;
        return true;
      }
      try {
        for (const c of readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(/\s+/)) if (c !== '') todo.push(Number(c));
      } catch {
        // gone
      }
    }
    return false;
  }

  private queues(): { rmem: number; drops: number } | null {
    if (!this.inodes) return null;
    let rmem = 0;
    let drops = 0;
    let found = 0;
    // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
    for (const line of readFileSync(`/proc/${this.pid}/net/netlink`, 'latin1').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !this.inodes.has(f[9]!)) continue;
      found++;
      rmem += Number(f[4]);
      drops += Number(f[8]);
    }
    if (found === 0) {
      // sockets of a process that exec'd since (ip netns exec, a wrapper): look again next time
      this.pid = null;
      this.inodes = null;
      return null;
    }
    return { rmem, drops };
  }

}

function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) out.add(m[1]!);
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    // gone
  }
  return out;
}
