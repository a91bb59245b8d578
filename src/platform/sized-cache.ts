/**
 * A per-process cache bounded by the total size of what it holds, as the
 * caller counts it (bytes, say): past the budget the least recently used
 * entries are dropped first. For results that are a pure function of
 * their key, such as rendered Markdown.
 */
export class SizedCache<V> {
  // A Map keeps insertion order: most recently used last, so eviction
  // walks from the front.
  private readonly entries = new Map<string, { value: V; size: number }>();
  private total = 0;

  constructor(private readonly budget: number) {}

  get(key: string): V | undefined {
    const found = this.entries.get(key);
    if (found === undefined) {
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, found);
    return found.value;
  }

  set(key: string, value: V, size: number): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.total -= old.size;
      this.entries.delete(key);
    }
    this.entries.set(key, { value, size });
    this.total += size;
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.budget) {
        break;
      }
      this.entries.delete(oldest);
      this.total -= entry.size;
    }
  }

  /** The total size held, as the callers counted it. */
  get size(): number {
    return this.total;
  }
}
