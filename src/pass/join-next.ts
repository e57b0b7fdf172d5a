/**
 * One call of `fn` for every request made in the same turn of the event loop,
 * started after all of them (so as fresh as a call of one's own); a call in
 * flight is never joined. reconcile and the watcher read the links (`ip -json addr show`)
 * this way: the timer's passes over N masters spawn one `ip`, not N.
 */
export class JoinNext<T> {
  private next: Promise<T> | null = null;
  calls = 0;

  constructor(private readonly fn: () => Promise<T>) {}

  get(): Promise<T> {
    if (this.next === null) {
      this.next = new Promise<void>((r) => setImmediate(r)).then(() => {
        this.next = null;
        this.calls++;
        return this.fn();
      });
    }
    return this.next;
  }
}
