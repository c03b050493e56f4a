/**
 * Remembers `compute`'s answer per key, for at most `limit` keys (then forgets them all at once:
 * the working set of endpoints is small, so a rare reset costs less than tracking recency).
 */
export function boundedMemo<K, V>(limit: number, compute: (key: K) => V): (key: K) => V {
  const answers = new Map<K, V>();
  return (key) => {
    if (answers.has(key)) return answers.get(key) as V;
    const answer = compute(key);
    if (answers.size >= limit) answers.clear();
    answers.set(key, answer);
    return answer;
  };
}
