// The packaged variants of deploy/'s systemd files (scripts/package.mjs): the
// same hardening, the same V8 settings, but the paths of the package
// (/usr/bin/vipctl, a single executable: no /opt, no env node). Only the
// lines that name paths are rewritten, everything else is kept as it is.

/** The comment block before [Unit], for the packaged unit. */
const WATCH_HEADER = `# systemd unit for \`vipctl watch\`, the per-node daemon, as the vipctl package
# installs it (man vipctl; /usr/share/doc/vipctl/README.md.gz, "watch").
# The package creates the vipctl user and /etc/vipctl (root:vipctl 0750) and
# enables nothing: put the config in /etc/vipctl/vipctl.yaml (root:vipctl 0640),
# then: systemctl enable --now vipctl-watch
# With the hook as well (/usr/share/vipctl/redis-sentinel.service.d/vipctl.conf
# runs it as Sentinel's user, redis): set User=redis and Group=redis in a
# drop-in (systemctl edit vipctl-watch): the hook and the watcher must be one
# user (they share runDir /run/vipctl, the per-VIP lock in it and the log dir).
`;

function replaceLine(text: string, pattern: RegExp, line: string): string {
  if (!pattern.test(text)) throw new Error(`no line ${pattern} to rewrite`);
  return text.replace(pattern, line);
}

export function packagedWatchUnit(source: string): string {
  let s = WATCH_HEADER + source.slice(source.indexOf('[Unit]'));
  s = replaceLine(s, /^Documentation=.*$/m, 'Documentation=man:vipctl(8)');
  // The executable takes no node flags on its command line: src/sea.ts sets the
  // watcher's (core/watch/node-options.ts) itself; NODE_OPTIONS below still works.
  s = s.replace(/^# node found as bin\/vipctl's shebang[^\n]*\n(?:#[^\n]*\n)*?(?=ExecStart=)/m, "# The single executable sets the watcher's V8 flags itself (--optimize-for-size,\n# src/core/watch/node-options.ts); it takes no node flags on its command line.\n");
  s = replaceLine(s, /^ExecStart=.*$/m, 'ExecStart=/usr/bin/vipctl watch');
  if (/\/opt\/vipctl|env node/.test(s)) throw new Error('the packaged unit still names /opt/vipctl or env node');
  return s;
}

export function packagedDropIn(source: string): string {
  let s = source;
  s = replaceLine(s, /^# then: systemctl daemon-reload && systemctl restart redis-sentinel$/m, '# then: systemctl daemon-reload && systemctl restart redis-sentinel\n# (the vipctl package ships this file inactive, as\n# /usr/share/vipctl/redis-sentinel.service.d/vipctl.conf: copy it there to use it)');
  s = replaceLine(s, /^# Paths assume vipctl in \/opt\/vipctl.*$/m, '# Paths are the vipctl package\'s: /usr/bin/vipctl (Node inside) and its lock\'s addon.');
  s = s.replace(/^# NoExecPaths=\/ allows only redis-sentinel[^\n]*\n(?:#[^\n]*\n)*?(?=ExecPaths=)/m, '# NoExecPaths=/ allows only redis-sentinel and /usr/lib, /lib: add the hook,\n# the addon of its lock (/usr/lib/vipctl) and the two tools vipctl runs\n# ("-": skip a path that is absent).\n');
  s = replaceLine(s, /^ExecPaths=.*$/m, 'ExecPaths=/usr/bin/vipctl /usr/lib/vipctl -/usr/bin/ip -/usr/sbin/ip -/usr/bin/arping -/usr/sbin/arping');
  if (/\/opt\/vipctl|\/usr\/bin\/env/.test(s.replace(/^#.*$/gm, ''))) throw new Error('the packaged drop-in still names /opt/vipctl or /usr/bin/env');
  return s;
}
