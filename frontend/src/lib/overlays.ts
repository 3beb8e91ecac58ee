// Overlays keeps the dialogs and overlays on screen in the order they opened, so Escape closes the
// one on top wherever the focus is.
export class Overlays {
  private closers: (() => void)[] = []

  /** push records an open overlay and how to close it; call the result once it is gone. */
  push(close: () => void): () => void {
    this.closers.push(close)
    return () => {
      this.closers = this.closers.filter((c) => c !== close)
    }
  }

  /** open reports whether any overlay is on screen. */
  get open(): boolean {
    return this.closers.length > 0
  }

  /** closeTop closes the overlay opened last; false when none is open. */
  closeTop(): boolean {
    const top = this.closers.at(-1)
    if (!top) return false
    top()
    return true
  }
}
