import { growingLru } from './lru.js';

describe('growingLru', () => {
  it('keeps at most the given number of entries, evicting the least recently used', () => {
    const cache = growingLru<string, number>(3);
    cache.set('a', 1).set('b', 2).set('c', 3);
    cache.get('a');
    cache.set('d', 4);
    expect([...cache.keys()].sort()).toEqual(['a', 'c', 'd']);
    for (let i = 0; i < 1000; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(3);
    expect(cache.get('k999')).toBe(999);
  });

  it('forgets an entry once its time to live has passed', async () => {
    const cache = growingLru<string, string>(10, 50);
    cache.set('s', 'live');
    expect(cache.get('s')).toBe('live');
    await new Promise((r) => setTimeout(r, 80));
    expect(cache.get('s')).toBeUndefined();
  });
});
