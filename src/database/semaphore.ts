/**
 * A counting semaphore with FIFO waiters and a timeout. `onStarved` is asked
 * to free a slot elsewhere (e.g. close an idle connection) when none is left.
 */
export class Semaphore {
  private used = 0;
  private readonly waiters: { resolve: (ok: boolean) => void; timer: NodeJS.Timeout }[] = [];

  constructor(readonly capacity: number) {}

  get inUse(): number {
    return this.used;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  acquire(timeoutMs: number, onStarved?: () => boolean): Promise<boolean> {
    if (this.used < this.capacity && this.waiters.length === 0) {
      this.used++;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const waiter = {
        resolve,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
      onStarved?.();
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) {
      clearTimeout(next.timer);
      next.resolve(true); // the slot passes straight to the next waiter
      return;
    }
    this.used = Math.max(0, this.used - 1);
  }
}
