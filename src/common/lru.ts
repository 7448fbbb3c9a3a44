import { LRUCache } from 'lru-cache';

/**
 * An LRU cache of at most `entries` entries that grows with use. lru-cache
 * allocates its arrays for `max` entries up front (the auth caches' 260,000
 * took ~40 ms and ~10 MB at every start); bounded by size instead, at one unit
 * an entry, it evicts at the same count without reserving it.
 */
export function growingLru<K extends NonNullable<unknown>, V extends NonNullable<unknown>>(
  entries: number,
  ttlMs?: number,
): LRUCache<K, V> {
  return new LRUCache<K, V>({ maxSize: entries, sizeCalculation: () => 1, ...(ttlMs ? { ttl: ttlMs } : {}) });
}
