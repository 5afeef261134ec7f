/** The store keeps instants as ISO-8601 UTC strings: sortable, portable, readable in a CSV. */
export function nowIso(): string {
  return new Date().toISOString();
}
