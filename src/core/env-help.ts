/**
 * The environment variables vipctl reads, for `vipctl --help` (appended to
 * the top-level help by commands/main.ts). test/core/env-help.test.ts checks
 * that every variable src/ reads (outside the lab) is listed here.
 */
export const ENV_VARIABLES: readonly (readonly [name: string, what: string])[] = [
  ['VIPCTL_CONFIG', 'the config file when --config is not given (default /etc/vipctl/vipctl.yaml)'],
  ['VIPCTL_SENTINEL_PASSWORD', "the Sentinels' password, instead of sentinel.password"],
  ['VIPCTL_REDIS_PASSWORD', "the data Redis's password, instead of redis.password"],
  ['VIPCTL_RUN_DIR', 'the run dir (locks, pid files, holds), instead of runDir'],
  ['VIPCTL_LOG_FILE', 'the log file, instead of log.file ("" for stderr only)'],
  ['VIPCTL_GROUP', 'the group shared by root and the service users in the run and log dirs (default vipctl)'],
  ['VIPCTL_HOOK_SOCKET', "the package's hook: the helper's socket (default /run/vipctl-hook/hook.sock)"],
  ['VIPCTL_LINKS_VIEW', '"spawn": the watcher reads the links with one ip per pass (bench:idle\'s before), not its netlink view'],
  ['VIPCTL_IDLE_BEFORE', '"1": the watcher opens a connection per Sentinel query and checks the lock file on every pass (bench:idle\'s before), not kept ones'],
  ['NODE_OPTIONS', 'read by Node; the watcher warns when the unit\'s V8 options are missing'],
  ['NO_COLOR', 'any value: no colour in tables'],
  ['TERM', '"dumb": no colour in tables'],
  ['SUDO_USER', 'recorded as who set a hold (else the user running vipctl)'],
  ['DEBUG, NODE_DEBUG, NODE_DEBUG_NATIVE', 'deleted at start (a library would print passwords), never passed on'],
];

export function envHelpText(): string {
  const width = Math.max(...ENV_VARIABLES.map(([n]) => n.length));
  return `\nEnvironment variables:\n${ENV_VARIABLES.map(([n, w]) => `  ${n.padEnd(width)}  ${w}`).join('\n')}\n`;
}
