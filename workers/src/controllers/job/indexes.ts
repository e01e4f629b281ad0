/*
 * Sets of completion indexes as ordered, non-overlapping intervals, and their text form in
 * status.completedIndexes ("1,3-5,7": two neighbours are listed, three or more become a range), as
 * pkg/controller/job/indexed_job_utils.go keeps them.
 */

export interface Interval {
  first: number;
  last: number;
}

export type Intervals = readonly Interval[];

/** Merges two ordered interval lists, joining neighbours. */
export function mergeIntervals(a: Intervals, b: Intervals): Interval[] {
  const result: Interval[] = [];
  const push = (next: Interval) => {
    const last = result[result.length - 1];
    if (!last || next.first > last.last + 1) result.push({ ...next });
    else if (last.last < next.last) last.last = next.last;
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i]!.first < b[j]!.first) push(a[i++]!);
    else push(b[j++]!);
  }
  while (i < a.length) push(a[i++]!);
  while (j < b.length) push(b[j++]!);
  return result;
}

/** The intervals plus these indexes (given in increasing order). */
export function withIndexes(intervals: Intervals, sortedIndexes: readonly number[]): Interval[] {
  return mergeIntervals(
    intervals,
    sortedIndexes.map((ix) => ({ first: ix, last: ix })),
  );
}

export function totalIndexes(intervals: Intervals): number {
  return intervals.reduce((sum, iv) => sum + iv.last - iv.first + 1, 0);
}

export function hasIndex(intervals: Intervals, ix: number): boolean {
  return intervals.some((iv) => iv.first <= ix && ix <= iv.last);
}

export function formatIndexes(intervals: Intervals): string {
  return intervals
    .map((iv) => {
      if (iv.last === iv.first) return `${iv.first}`;
      return `${iv.first}${iv.last === iv.first + 1 ? "," : "-"}${iv.last}`;
    })
    .join(",");
}

/** parseIndexesFromString: malformed parts are skipped; indexes at or past `completions` dropped. */
export function parseIndexes(text: string | undefined, completions: number): Interval[] {
  if (!text) return [];
  const result: Interval[] = [];
  for (const part of text.split(",")) {
    const [firstText, lastText] = part.split("-");
    const first = Number.parseInt(firstText ?? "", 10);
    if (Number.isNaN(first)) continue;
    if (first >= completions) break;
    let last = first;
    if (lastText !== undefined) {
      last = Number.parseInt(lastText, 10);
      if (Number.isNaN(last)) continue;
      last = Math.min(last, completions - 1);
    }
    const prev = result[result.length - 1];
    if (prev && prev.last === first - 1) prev.last = last;
    else result.push({ first, last });
  }
  return result;
}

/** The first `count` indexes below `completions` not in `taken` (firstPendingIndexes). */
export function firstPendingIndexes(taken: Intervals, count: number, completions: number): number[] {
  const result: number[] = [];
  let candidate = 0;
  for (const iv of taken) {
    for (; candidate < completions && result.length < count && candidate < iv.first; candidate++) {
      result.push(candidate);
    }
    if (candidate < iv.last + 1) candidate = iv.last + 1;
  }
  for (; candidate < completions && result.length < count; candidate++) result.push(candidate);
  return result;
}

/** matchSucceededIndexesRule: the succeeded indexes cover the rule's, or at least `count` of them. */
export function coversIndexes(rule: Intervals, succeeded: Intervals, count?: number): boolean {
  let contains = 0;
  let r = 0;
  let s = 0;
  while (r < rule.length && s < succeeded.length) {
    const a = rule[r]!;
    const b = succeeded[s]!;
    const overlap = Math.min(a.last, b.last) - Math.max(a.first, b.first) + 1;
    if (overlap > 0) contains += overlap;
    if (b.last < a.last) s++;
    else if (b.last > a.last) r++;
    else {
      s++;
      r++;
    }
  }
  return contains === totalIndexes(rule) || (count !== undefined && contains >= count);
}
