// Ansible's lineinfile algorithm (ansible-core 2.14 modules/lineinfile.py, present() and
// absent()), ported line by line over binary strings (one char per byte) so that its results
// are byte-identical: Python's readlines() split, unanchored re.search on each line including
// its line ending, the last match winning unless firstmatch, and os.linesep '\n' for new lines.
import { compilePyRegex, expandTemplate, type PyRegex } from '../../sdk/index.js';

export interface PresentOptions {
  /** All texts are binary strings (see python-regex.ts `toBinary`). */
  line: string;
  regexp?: string;
  searchString?: string;
  /** 'EOF' when neither insertafter nor insertbefore is given, as lineinfile's main() does. */
  insertafter?: string;
  insertbefore?: string;
  backrefs: boolean;
  firstmatch: boolean;
}

export interface EditResult {
  lines: string[];
  changed: boolean;
  /** lineinfile's msg when changed, else why nothing changes. */
  message: string;
  /** Lines removed (absent). */
  found?: number;
}

const LINESEP = '\n';

/** Python's bytes.readlines(): split after each '\n', keeping it. */
export function readLines(content: string): string[] {
  const lines = content.split(/(?<=\n)/);
  return lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines;
}

const rstripEol = (l: string): string => l.replace(/[\r\n]+$/, '');
const endsWithEol = (l: string): boolean => /[\r\n]$/.test(l);

export function present(original: string[], o: PresentOptions): EditResult {
  const lines = [...original];
  const bre_m: PyRegex | undefined = o.regexp !== undefined ? compilePyRegex(o.regexp) : undefined;
  let bre_ins: PyRegex | undefined;
  if (o.insertafter !== undefined && o.insertafter !== 'BOF' && o.insertafter !== 'EOF') bre_ins = compilePyRegex(o.insertafter);
  else if (o.insertbefore !== undefined && o.insertbefore !== 'BOF') bre_ins = compilePyRegex(o.insertbefore);

  // index[0]: the line the regexp/search_string (or the exact line) was found at;
  // index[1]: where insertafter/insertbefore puts the line.
  const index = [-1, -1];
  let match: RegExpExecArray | boolean | null = null;
  let exactLineMatch = false;
  const b_line = o.line;

  if (bre_m) {
    for (let i = 0; i < lines.length; i++) {
      const m = bre_m.re.exec(lines[i]!);
      if (m) {
        index[0] = i;
        match = m;
        if (o.firstmatch) break;
      }
    }
  }
  if (o.searchString !== undefined) {
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.includes(o.searchString)) {
        index[0] = i;
        match = true;
        if (o.firstmatch) break;
      }
    }
  }
  if (!match) {
    for (let i = 0; i < lines.length; i++) {
      const cur = lines[i]!;
      if (b_line === rstripEol(cur)) {
        index[0] = i;
        exactLineMatch = true;
      } else if (bre_ins && bre_ins.re.test(cur)) {
        if (o.insertafter) {
          index[1] = i + 1;
          if (o.firstmatch) break;
        }
        if (o.insertbefore) {
          index[1] = i;
          if (o.firstmatch) break;
        }
      }
    }
  }

  const added = (): EditResult => ({ lines, changed: true, message: 'line added' });
  if (index[0] !== -1) {
    let newLine = o.backrefs && match && typeof match !== 'boolean' ? expandTemplate(b_line, bre_m!, match) : b_line;
    if (!newLine.endsWith(LINESEP)) newLine += LINESEP;
    // lineinfile's branch for "no regexp, no search_string, no exact match" cannot be reached
    // here: without regexp/search_string, index[0] is only set by an exact match.
    if (lines[index[0]] !== newLine) {
      lines[index[0]] = newLine;
      return { lines, changed: true, message: 'line replaced' };
    }
    return { lines, changed: false, message: exactLineMatch ? 'line already present' : 'the matching line is already as wanted' };
  }
  if (o.backrefs) {
    // Not safe to build the line without a match to fill the backreferences.
    return { lines, changed: false, message: 'regexp did not match: nothing to do with backrefs' };
  }
  if (o.insertbefore === 'BOF' || o.insertafter === 'BOF') {
    lines.unshift(b_line + LINESEP);
    return added();
  }
  if (o.insertafter === 'EOF' || index[1] === -1) {
    if (lines.length && !endsWithEol(lines[lines.length - 1]!)) lines.push(LINESEP);
    lines.push(b_line + LINESEP);
    return added();
  }
  if (o.insertafter && index[1] !== -1) {
    if (lines.length === index[1]) {
      if (rstripEol(lines[index[1] - 1]!) !== b_line) {
        lines.push(b_line + LINESEP);
        return added();
      }
    } else if (b_line !== rstripEol(lines[index[1]]!)) {
      lines.splice(index[1], 0, b_line + LINESEP);
      return added();
    }
    return { lines, changed: false, message: 'line already present after the insertafter match' };
  }
  lines.splice(index[1], 0, b_line + LINESEP);
  return added();
}

export interface AbsentOptions {
  line?: string;
  regexp?: string;
  searchString?: string;
}

export function absent(original: string[], o: AbsentOptions): EditResult {
  const bre_c = o.regexp !== undefined ? compilePyRegex(o.regexp) : undefined;
  let found = 0;
  const matches = (cur: string): boolean => {
    if (bre_c) return bre_c.re.test(cur);
    if (o.searchString !== undefined) return cur.includes(o.searchString);
    return o.line === rstripEol(cur);
  };
  const lines = original.filter((l) => {
    if (!matches(l)) return true;
    found++;
    return false;
  });
  if (found === 0) return { lines, changed: false, message: 'no matching line to remove', found };
  return { lines, changed: true, message: `${found} line(s) removed`, found };
}
