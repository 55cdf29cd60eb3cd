/**
 * Element order of merged lists (upstream strategicpatch `normalizeElementOrder` /
 * `mergeSortedSlice`, design: preserve-order-in-strategic-merge-patch). Precedence:
 * `$setElementOrder` list > order in the patch list > order in the live list.
 */
import type { StatusError } from '../../kube/errors.ts';
import { badPatch, goFormat, hasKey, isObject, jsonEqual } from './json-values.ts';

/**
 * Position of `item` in `list`: by merge-key value for maps when `mergeKey` is set, by value
 * otherwise. -1 when absent.
 */
export function indexIn(list: unknown[], item: unknown, mergeKey: string): number {
  if (mergeKey && isObject(item)) {
    if (!hasKey(item, mergeKey)) return -1;
    const key = item[mergeKey];
    return list.findIndex((o) => isObject(o) && hasKey(o, mergeKey) && jsonEqual(o[mergeKey], key));
  }
  return list.findIndex((o) => jsonEqual(o, item));
}

function sortByIndexIn(items: unknown[], order: unknown[], mergeKey: string): unknown[] {
  const rank = (item: unknown): number => {
    const i = indexIn(order, item, mergeKey);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return items.map((item) => ({ item, r: rank(item) })).sort((a, b) => a.r - b.r).map((x) => x.item);
}

/**
 * Order `merged`: items named in `order` (the patch list or `$setElementOrder`) follow that order;
 * the other (server-only) items keep their live order and are interleaved before a patch item
 * only when both appear in the live list and the server item came first. Consequence (as
 * upstream): without `$setElementOrder`, items new to the list come before server-only items.
 */
export function orderList(merged: unknown[], order: unknown[], serverOrder: unknown[], mergeKey: string): unknown[] {
  const inPatch = merged.filter((item) => indexIn(order, item, mergeKey) >= 0);
  const serverOnly = merged.filter((item) => indexIn(order, item, mergeKey) < 0);
  const right = sortByIndexIn(inPatch, order, mergeKey);
  const left = sortByIndexIn(serverOnly, serverOrder, mergeKey);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length || (i < left.length && serverFirst(left[i], right[j], serverOrder, mergeKey))) {
      out.push(left[i++]);
    } else {
      out.push(right[j++]);
    }
  }
  return out;
}

function serverFirst(left: unknown, right: unknown, serverOrder: unknown[], mergeKey: string): boolean {
  const li = indexIn(serverOrder, left, mergeKey);
  const ri = indexIn(serverOrder, right, mergeKey);
  return li >= 0 && ri >= 0 && li < ri;
}

/**
 * Upstream `validatePatchWithSetOrderList`: the non-directive items of the patch list must appear
 * in `$setElementOrder` in the same relative order.
 */
export function validateSetElementOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = patchList.filter((item) => !(isObject(item) && hasKey(item, '$patch')));
  let p = 0;
  for (let s = 0; p < items.length && s < order.length; s++) {
    if (sameElement(items[p], order[s], mergeKey)) p++;
  }
  if (p < items.length) {
    throw badPatch(`The order in patch list:\n${goFormat(patchList)}\n doesn't match $setElementOrder list:\n${goFormat(order)}\n`);
  }
}

function sameElement(a: unknown, b: unknown, mergeKey: string): boolean {
  if (!mergeKey) return jsonEqual(a, b);
  for (const side of [a, b]) {
    if (!isObject(side)) throw badPatch(`expected a map[string]interface {}, but received ${goFormat(side)}`);
    if (!hasKey(side, mergeKey)) throw noMergeKey(side, mergeKey);
  }
  return jsonEqual((a as Record<string, unknown>)[mergeKey], (b as Record<string, unknown>)[mergeKey]);
}

/** Upstream `mergepatch.ErrNoMergeKey` text. */
export function noMergeKey(item: unknown, mergeKey: string): StatusError {
  return badPatch(`map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`);
}
