/**
 * The watcher's memory of host names (announce-hostnames yes): what each name
 * Sentinel used resolved to, and when. The fast paths compare an event's
 * addresses with this host's own, so a name must be resolved before its
 * event is stepped; a name resolved within `ttlMs` is not asked again (the
 * level passes resolve the master's name on every pass and refresh it here).
 * A name that did not resolve is remembered as such for the same time, so a
 * broken resolver costs one deadline per name per ttl, not one per event.
 */
import type { Resolved } from '../core/desired';
import { resolveNames } from './resolve';

export type Resolver = (names: Iterable<string>, timeoutMs: number) => Promise<Map<string, string[] | null>>;

export class NameCache {
  private readonly entries = new Map<string, { at: number; addresses: readonly string[] | null }>();

  constructor(
    private readonly ttlMs: number,
    private readonly timeoutMs: number,
    private readonly resolver: Resolver = resolveNames,
    private readonly now: () => number = Date.now,
  ) {}

  /** The names among `names` not resolved within the ttl. */
  stale(names: readonly string[]): string[] {
    const t = this.now();
    return names.filter((n) => {
      const e = this.entries.get(n);
      return !e || t - e.at > this.ttlMs;
    });
  }

  /** Resolve `names` now (under the deadline) and remember the results. */
  async refresh(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    this.remember(await this.resolver(names, this.timeoutMs));
  }

  /** Results resolved elsewhere (a level pass). */
  remember(resolved: Resolved): void {
    const at = this.now();
    for (const [name, addresses] of resolved) this.entries.set(name, { at, addresses });
  }

  /** Everything known, for isLocalHost. */
  get resolved(): Resolved {
    return new Map([...this.entries].map(([name, e]) => [name, e.addresses]));
  }
}
