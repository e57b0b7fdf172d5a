/**
 * keepalived made Sentinel-aware in the lab: the README's keepalived.conf
 * (one file for every node, VRRP multicast on the lab's segment) with
 * `vipctl check` as its track_script. The same text is what the README shows
 * (keepalivedConf with the README's paths is tested against it).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface KeepalivedConfOptions {
  /** The vipctl command keepalived runs (absolute path, then its arguments before `check`). */
  vipctl: string;
  /** The config vipctl check reads. */
  config: string;
  master: string;
  /** VIP with its prefix (198.18.0.100/24). */
  vipCidr: string;
  interface: string;
  virtualRouterId: number;
  /** Seconds keepalived gives one check (README: 5; the lab's tests more, for a loaded CI machine). */
  timeoutSeconds?: number;
}

/** keepalived.conf: the VIP follows `vipctl check` (exit 0 exactly where a strict majority of the Sentinels names the master). */
export function keepalivedConf(o: KeepalivedConfOptions): string {
  return `# keepalived carries the VIP only where a strict majority of the Sentinels
# names the master: every node runs this same file.
global_defs {
    enable_script_security
    script_user root
}

vrrp_script vipctl_check_${o.master} {
    script "${o.vipctl} --config ${o.config} check ${o.master}"
    interval 2      # seconds between checks
    timeout ${o.timeoutSeconds ?? 5}       # vipctl check ends within about 2.5 s; a check that times out fails
    fall 1          # one failed check: FAULT, the VIP goes
    rise 1
}

vrrp_instance redis_${o.master} {
    state BACKUP            # no node claims the VIP before its check passes
    interface ${o.interface}
    virtual_router_id ${o.virtualRouterId}
    priority 100            # the same everywhere: the check decides, not the priority
    advert_int 1
    virtual_ipaddress {
        ${o.vipCidr} dev ${o.interface}
    }
    track_script {
        vipctl_check_${o.master}
    }
}
`;
}

/** Write a node's keepalived.conf into its lab dir. */
export function writeKeepalivedConf(nodeDir: string, o: KeepalivedConfOptions): string {
  const path = join(nodeDir, 'keepalived.conf');
  writeFileSync(path, keepalivedConf(o), { mode: 0o644 });
  return path;
}

/** keepalived in the foreground, VRRP only, its pid files in the node's dir (each namespace is its own "host"). */
export function keepalivedArgv(nodeDir: string): string[] {
  return [
    'keepalived',
    '--dont-fork',
    '--log-console',
    '--log-detail',
    '--vrrp',
    '--use-file',
    join(nodeDir, 'keepalived.conf'),
    '--pid',
    join(nodeDir, 'keepalived.pid'),
    '--vrrp_pid',
    join(nodeDir, 'keepalived-vrrp.pid'),
  ];
}
