/**
 * The Sentinel event channels `vipctl watch` subscribes to: exactly those its
 * failover state machine (failover.ts) and event parser (events.ts) act on,
 * as Redis 7's sentinel.c names them (test/core/watch/channels.test.ts checks
 * both ways). Subscribing to these by name (not PSUBSCRIBE *) is what lets a
 * least-privilege ACL user grant just them.
 *
 * Not here, on purpose: `+new-epoch` (its message is the epoch number alone,
 * no instance: sentinelEvent without "%@"; +try-failover follows it at once)
 * and +sdown, +vote-for-leader, +slave-reconf-*, +tilt, which no rule uses.
 */
export const WATCH_CHANNELS = [
  '+odown',
  '-odown',
  '+try-failover',
  '+elected-leader',
  '+failover-state-select-slave',
  '+selected-slave',
  '+failover-state-wait-promotion',
  '+failover-state-send-slaveof-noone',
  '+promoted-slave',
  '+switch-master',
  '+failover-end',
  '+failover-end-for-timeout',
  '-failover-abort-not-elected',
  '-failover-abort-no-good-slave',
  '-failover-abort-slave-timeout',
] as const;
