// Keeps the `capacity` smallest items seen under `compare` (a max-heap whose root is the
// worst kept item), so a sorted page of a huge stream costs O(n log k) time and O(k) memory.
export class BoundedHeap<T> {
  private readonly items: T[] = [];

  constructor(
    private readonly capacity: number,
    private readonly compare: (a: T, b: T) => number,
  ) {}

  get size(): number {
    return this.items.length;
  }

  offer(item: T): void {
    if (this.capacity <= 0) return;
    const items = this.items;
    if (items.length < this.capacity) {
      items.push(item);
      this.siftUp(items.length - 1);
    } else if (this.compare(item, items[0]!) < 0) {
      items[0] = item;
      this.siftDown(0);
    }
  }

  /** The kept items, best first. */
  sorted(): T[] {
    return this.items.slice().sort(this.compare);
  }

  private siftUp(i: number): void {
    const items = this.items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[i]!, items[parent]!) <= 0) return;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const items = this.items;
    const n = items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < n && this.compare(items[l]!, items[worst]!) > 0) worst = l;
      if (r < n && this.compare(items[r]!, items[worst]!) > 0) worst = r;
      if (worst === i) return;
      [items[i], items[worst]] = [items[worst]!, items[i]!];
      i = worst;
    }
  }
}
