// Suggestions of people (who may answer a question, who knows about a
// topic, people like you) do more when they reach across the
// organisation, so among people who match equally well a list reaches
// into a department it has not named yet before it repeats one. A better
// match is never passed over for the sake of spread.

/** A ranked candidate: its score and its department (null for none). */
export interface Spreadable {
  score: number;
  department: string | null;
}

/**
 * The first `count` of `ranked` (best first), where each place goes to
 * the first candidate of the best remaining score whose department is not
 * yet in the list, or to the first of that score when all of theirs are.
 */
export function spreadAcrossDepartments<T extends Spreadable>(
  ranked: readonly T[],
  count: number,
): T[] {
  const left = [...ranked];
  const picked: T[] = [];
  const named = new Set<string | null>();
  while (picked.length < count && left.length > 0) {
    const best = left[0]?.score;
    const fresh = left.findIndex(
      (c) => c.score === best && !named.has(c.department),
    );
    const [chosen] = left.splice(Math.max(fresh, 0), 1);
    if (chosen) {
      picked.push(chosen);
      named.add(chosen.department);
    }
  }
  return picked;
}
