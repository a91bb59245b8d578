/** A reporting loop, and the post whose line was cut to break it. */
export interface BrokenLoop {
  /** The post that closed the loop; it now reports to no one. */
  cut: string;
  /** The posts in the loop, from the one it comes back to. */
  loop: string[];
}

/**
 * Finds the loops in "reports to" lines, given as post → manager, and
 * breaks each by cutting the line of the post that closes it: walking up
 * from each post in the order given, the last post before the walk comes
 * back to one already on its path. Removes those lines from `managerOf`.
 */
export function breakReportingLoops(
  managerOf: Map<string, string>,
): BrokenLoop[] {
  const broken: BrokenLoop[] = [];
  const done = new Set<string>();
  for (const start of managerOf.keys()) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let current: string | undefined = start;
    while (
      current !== undefined &&
      !done.has(current) &&
      !onPath.has(current)
    ) {
      path.push(current);
      onPath.add(current);
      current = managerOf.get(current);
    }
    if (current !== undefined && onPath.has(current)) {
      const cut = path[path.length - 1] ?? current;
      broken.push({ cut, loop: path.slice(path.indexOf(current)) });
      managerOf.delete(cut);
    }
    for (const post of path) {
      done.add(post);
    }
  }
  return broken;
}
