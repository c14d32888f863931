// A versioned schema change. Migrations are frozen once released: never edit one, add the next.
// They live in TypeScript (not .sql files) so the build carries them into dist/ with the code.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Migrations not yet applied, in version order; throws on a duplicate or unordered list (a bug). */
export function pending(all: readonly Migration[], applied: ReadonlySet<number>): Migration[] {
  for (let i = 1; i < all.length; i++) {
    if (all[i]!.version <= all[i - 1]!.version) throw new Error(`migrations out of order at version ${all[i]!.version}`);
  }
  return all.filter((m) => !applied.has(m.version));
}
