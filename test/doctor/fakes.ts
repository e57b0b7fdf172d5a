/** A doctor context with fakes for the host and the Sentinels (no root, no network). */
import { validateConfig } from '../../src/core/config';
import type { SentinelReply } from '../../src/core/doctor';
import type { DoctorContext } from '../../src/doctor/checks';
import type { DoctorHost } from '../../src/doctor/host';
import { ourHookScripts } from '../../src/core/local-hook';

export const OUR_BIN = '/usr/bin/vipctl';
const CAPS_ALL = 'Name:\tx\nCapEff:\t000001ffffffffff\n';
export const CAPS_NONE = 'Name:\tx\nCapEff:\t0000000000000000\n';
export const CAPS_NET = `Name:\tx\nCapEff:\t${((1n << 12n) | (1n << 13n)).toString(16).padStart(16, '0')}\n`;

export interface Fake {
  /** client-reconfig-script of every Sentinel (null: none). */
  script?: string | null;
  watcher?: { recorded: number | null; running: number | null };
  euid?: number;
  hidden?: string | null;
  /** /proc/PID/status by pid ('self' too). */
  status?: Record<string, string | null>;
  /** ss -ltnH lines without and with processes. */
  ss?: { plain: string; withPids: string };
  /** doctor runs as the package's executable (its hook executable is then this vipctl too). */
  packaged?: boolean;
  /** Variables of every process's environment (default: PATH=/usr/bin:/bin only). */
  env?: Record<string, string>;
  /** The package's hook helper listens (a socket at the context's hookSocket). */
  helperListening?: boolean;
}

export const HELPER_SOCKET = '/run/vipctl-hook/hook.sock';

export function fakeContext(f: Fake = {}): DoctorContext {
  const config = validateConfig({
    sentinel: { addresses: ['10.0.0.11:26379', '10.0.0.12:26379', '10.0.0.13:26379'] },
    masters: { mymaster: { vip: '10.0.0.100/24' } },
    runDir: '/nonexistent/vipctl-doctor-test',
    log: { file: null },
  });
  const host: DoctorHost = {
    euid: f.euid ?? 0,
    recordedWatchPid: () => f.watcher?.recorded ?? null,
    watchPid: () => f.watcher?.running ?? null,
    procStatus: (pid) => (f.status && String(pid) in f.status ? f.status[String(pid)]! : pid === 'self' ? CAPS_ALL : null),
    procEnv: (_pid, name) => (name === 'PATH' ? '/usr/bin:/bin' : f.env?.[name] ?? null),
    procHidden: () => f.hidden ?? null,
    listeningSockets: async (withPids) => (withPids ? f.ss?.withPids : f.ss?.plain) ?? '',
    isSocket: (path) => path === HELPER_SOCKET && f.helperListening === true,
  };
  return {
    configPath: '/etc/vipctl/vipctl.yaml',
    config,
    configError: null,
    links: [{ ifname: 'eth0', up: true, mac: '02:00:00:00:00:11', addresses: [{ address: '10.0.0.11', prefix: 24, family: 4 }] }],
    linksError: null,
    ourBin: OUR_BIN,
    ours: ourHookScripts(OUR_BIN, f.packaged === true),
    hookSocket: HELPER_SOCKET,
    sentinelReply: async (): Promise<SentinelReply> => ({ ok: true, fields: { ip: '10.0.0.11', port: '6379', ...(f.script ? { 'client-reconfig-script': f.script } : {}) } }),
    host,
  };
}

/** ss -ltn(p)H lines of a Sentinel listening on 26379, owned by `pid` (shown) or not. */
export function sentinelListening(pid: number): { plain: string; withPids: string } {
  const line = 'LISTEN 0      511          0.0.0.0:26379      0.0.0.0:*';
  return { plain: `${line}\n`, withPids: `${line}    users:(("redis-sentinel",pid=${pid},fd=6))\n` };
}
