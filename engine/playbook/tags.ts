// Tag selection, as ansible-playbook does it: `always` runs unless skipped by name, `never`
// runs only when one of its tags is asked for, `all`/`tagged`/`untagged` are special.

export interface TagFilter {
  only: string[];
  skip: string[];
}

export function tagsSelect(taskTags: readonly string[], f: TagFilter): boolean {
  const tags = new Set(taskTags);
  const only = f.only.length ? f.only : ['all'];
  const wants = (t: string) => only.includes(t);
  let run: boolean;
  if (tags.has('always') && !f.skip.includes('always')) run = true;
  else if (tags.has('never')) run = [...tags].some((t) => t !== 'never' && wants(t)) || wants('never');
  else
    run =
      wants('all') ||
      [...tags].some(wants) ||
      (wants('tagged') && tags.size > 0) ||
      (wants('untagged') && tags.size === 0);
  if (!run) return false;
  if (f.skip.some((t) => tags.has(t))) return false;
  if (f.skip.includes('tagged') && tags.size > 0) return false;
  if (f.skip.includes('untagged') && tags.size === 0) return false;
  return true;
}

/** Splits repeatable comma lists (`-t a,b -t c`). */
export function splitTagArgs(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean);
}
