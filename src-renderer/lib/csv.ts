// The file name of a CSV export: safe on every OS, says which race and event it is.
export function csvFileName(raceName: string, eventName: string): string {
  const slug = (s: string) =>
    s
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .replace(/[\s_]+/g, '-')
      .toLowerCase()
      .slice(0, 40) || 'x';
  return `chute-${slug(raceName)}-${slug(eventName)}.csv`;
}
