// The one way a zod failure becomes words, for every layer (main, renderer, RunSignup answers):
// where each problem is and what it is, never the value itself (it may be a secret).

/** What this needs of a zod issue (zod's own `$ZodIssue` has both). */
export interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** `events.0.name: Too small` — or just the message when the problem is the whole value. */
function describeIssue(issue: IssueLike): string {
  return issue.path.length > 0
    ? `${issue.path.map(String).join('.')}: ${issue.message}`
    : issue.message;
}

/**
 * A zod failure (or its issues) as one short phrase: the first `max` problems joined with "; ",
 * and how many more there were. "invalid" when zod gave no issue at all.
 */
export function describeIssues(
  failure: { readonly issues: readonly IssueLike[] } | readonly IssueLike[],
  max = 3,
): string {
  const issues = 'issues' in failure ? failure.issues : failure;
  if (issues.length === 0) return 'invalid';
  const shown = issues.slice(0, Math.max(1, max)).map(describeIssue).join('; ');
  const more = issues.length - Math.max(1, max);
  return more > 0 ? `${shown} (and ${more} more)` : shown;
}
