// An in-memory store for the step tests that can be told to fail: keys it cannot read, items it
// does not write, conflicts, or a call that throws. It remembers every call it was given.
import type { ItemKey } from '../../../lambda/core/items';
import { keyString } from '../../../lambda/core/items';
import type { StoredItem, VersionedItem } from '../../../lambda/core/records';
import type { StoreCallOptions } from '../../../lambda/ports/event-store';
import { InMemoryEventStore } from '../../../lambda/testing/memory-ports';

export class ScriptedStore extends InMemoryEventStore {
  readonly calls: {
    readonly method: string;
    readonly keys: string[];
    readonly deadline?: number;
  }[] = [];
  unreadable = (_key: ItemKey) => false;
  unwritable = (_key: ItemKey) => false;
  /** Versioned writes that meet someone else's write, and how many times before they succeed. */
  conflictsLeft = new Map<string, number>();
  throwOn = new Set<string>();
  retries = 0;

  private note(method: string, keys: readonly ItemKey[], options?: StoreCallOptions) {
    this.calls.push({
      method,
      keys: keys.map((k) => (k.sk ? `${k.pk}/${k.sk}` : k.pk)),
      deadline: options?.deadline,
    });
    if (this.throwOn.has(method)) throw new Error(`${method} failed for maria@acme.com`);
  }

  override async read(keys: readonly ItemKey[], options?: StoreCallOptions) {
    this.note('read', keys, options);
    const read = await super.read(keys.filter((k) => !this.unreadable(k)));
    return { items: read.items, unknown: keys.filter((k) => this.unreadable(k)) };
  }

  override async write(items: readonly StoredItem[], options?: StoreCallOptions) {
    this.note('write', items, options);
    await super.write(items.filter((i) => !this.unwritable(i)));
    return {
      unwritten: items.filter((i) => this.unwritable(i)).map(({ pk, sk }) => ({ pk, sk })),
      retries: this.retries,
    };
  }

  override async writeVersioned(items: readonly VersionedItem[], options?: StoreCallOptions) {
    this.note('writeVersioned', items, options);
    const conflicts: ItemKey[] = [];
    const unwritten: ItemKey[] = [];
    const rest: VersionedItem[] = [];
    for (const item of items) {
      const left = this.conflictsLeft.get(keyString(item)) ?? 0;
      if (this.unwritable(item)) unwritten.push({ pk: item.pk, sk: item.sk });
      else if (left > 0) {
        this.conflictsLeft.set(keyString(item), left - 1);
        conflicts.push({ pk: item.pk, sk: item.sk });
      } else rest.push(item);
    }
    const outcome = await super.writeVersioned(rest);
    return {
      conflicts: [...conflicts, ...outcome.conflicts],
      unwritten,
      retries: this.retries,
    };
  }
}
