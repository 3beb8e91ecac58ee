// OwnChanges tells a screen's own changes from the others made on this device. A commit's
// event says only whether it came from a peer, so a change made here by another window, a
// second browser tab or a script on the local API looks like the screen's own; the screen
// shows what its own calls return and fetches again for the rest. A call counts as the
// screen's own while it runs and for a short while after it returns (its event may arrive
// just after the answer).
export class OwnChanges {
  private running = 0
  private lastAt = Number.NEGATIVE_INFINITY

  constructor(
    private readonly graceMs = 1500,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** track runs one of the screen's own calls. */
  async track<T>(call: () => Promise<T>): Promise<T> {
    this.running++
    try {
      return await call()
    } finally {
      this.running--
      this.lastAt = this.now()
    }
  }

  /** mine reports whether a change seen now may be the screen's own. */
  mine(): boolean {
    return this.running > 0 || this.now() - this.lastAt < this.graceMs
  }
}
