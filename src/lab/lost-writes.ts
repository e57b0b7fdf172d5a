/**
 * Lost-write accounting for a client that only ever INCRs one counter: each
 * acknowledged reply must be above every earlier one. A reply at or below the
 * highest acknowledged so far means the increments between it and that
 * highest were acknowledged and then vanished (the old master took them and
 * was demoted, or a second holder of the VIP took them). Pure.
 */
export function countLost(highestAcknowledged: number, reply: number): number {
  return reply <= highestAcknowledged ? highestAcknowledged - reply + 1 : 0;
}
