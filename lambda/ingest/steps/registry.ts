// The registry of call centers and pairs (contract/table.ts REGISTRY_PARTITION): a query reads it
// to enumerate every call center's partition or every pair's index partitions. Each function
// instance writes an entry once, with the batch's other writes (a put of the same content is
// idempotent, so no read is needed); until it is written, the records whose events need it fail
// and their retry writes it, so no stored event is ever missing from an enumeration for long.
import type { Severity } from '../../../contract/severity';
import { inPairSeverityIndex, keyString } from '../../core/items';
import { callcenterRegistryItem, pairRegistryItem, type RegistryItem } from '../../core/records';
import type { EventGroup } from '../batch';

/** The registry entries this instance has written (or seen written), by key string. */
export type RegistryMemory = Set<string>;

export interface RegistryWrites {
  readonly items: readonly RegistryItem[];
  /** The groups that need each entry, by its key string. */
  readonly needs: ReadonlyMap<string, readonly EventGroup[]>;
}

/** The entries the batch's events need that this instance has not written yet. */
export function registryWrites(
  groups: readonly EventGroup[],
  written: ReadonlySet<string>,
  severityIndexFrom: Severity,
): RegistryWrites {
  const items = new Map<string, RegistryItem>();
  const needs = new Map<string, EventGroup[]>();
  const need = (item: RegistryItem, group: EventGroup) => {
    const key = keyString(item);
    if (written.has(key)) return;
    items.set(key, item);
    needs.set(key, [...(needs.get(key) ?? []), group]);
  };
  for (const group of groups) {
    const { callcenter, type, event } = group.item;
    need(callcenterRegistryItem(callcenter), group);
    // The lowest severity of the pair in the index: `info` unless the pair has a floor.
    const indexedFrom = inPairSeverityIndex(type, event, 'info', { severityIndexFrom })
      ? 'info'
      : severityIndexFrom;
    need(pairRegistryItem(type, event, indexedFrom), group);
  }
  return { items: [...items.values()], needs };
}
