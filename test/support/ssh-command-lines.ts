// Finds the ssh, ssh-keygen and ssh-keyscan invocations inside sh command lines (the commands
// modules send, scripts the playbooks install), as argv word lists. A small POSIX sh word
// splitter: quotes, backslashes, command separators, `$( … )`; here-documents are skipped except
// for psql's `\!` shell escapes in them. A word
// that is itself a command line (`rsync -e 'ssh -o …'`, `ssh_cmd="ssh -T …"`, `sh -c '…'`) is
// searched too.
// `$name` / `${name}` words stay as `$…` so the checker treats them as unknown; after an rsync
// `-e`, the destination rsync appends is `$RSYNC_DESTINATION`.

const PROGRAMS = /^(?:\/usr\/(?:local\/)?bin\/)?(ssh|ssh-keygen|ssh-keyscan)$/;
const SEPARATORS = new Set([';', '&&', '||', '|', '&', '(', ')', '\n', '$(', '`', '{', '}', 'then', 'do', 'else', 'elif', 'if', 'while', '!']);

interface Word {
  text: string;
  /** A separator token rather than a word. */
  sep?: boolean;
}

function tokenize(line: string): Word[] {
  const out: Word[] = [];
  let i = 0;
  let cur: string | undefined;
  const flush = () => {
    if (cur !== undefined) out.push({ text: cur });
    cur = undefined;
  };
  const heredocs: string[] = [];
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\n') {
      flush();
      out.push({ text: '\n', sep: true });
      i++;
      // Skip here-document bodies announced on the line just ended.
      while (heredocs.length) {
        const end = heredocs.shift()!;
        const re = new RegExp(`^\\t*${end.replace(/[^\w]/g, '\\$&')}$`, 'm');
        const m = re.exec(line.slice(i));
        i = m ? i + m.index + m[0].length : line.length;
      }
      continue;
    }
    if (c === ' ' || c === '\t') {
      flush();
      i++;
      continue;
    }
    if (c === '#' && cur === undefined) {
      while (i < line.length && line[i] !== '\n') i++;
      continue;
    }
    if (c === "'") {
      const j = line.indexOf("'", i + 1);
      cur = (cur ?? '') + line.slice(i + 1, j < 0 ? line.length : j);
      i = j < 0 ? line.length : j + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length && '$`"\\\n'.includes(line[j + 1]!)) {
          s += line[j + 1];
          j += 2;
        } else s += line[j++];
      }
      cur = (cur ?? '') + s;
      i = j + 1;
      continue;
    }
    if (c === '\\') {
      cur = (cur ?? '') + (line[i + 1] ?? '');
      i += 2;
      continue;
    }
    if (line.startsWith('<<', i)) {
      flush();
      const m = /^<<-?\s*(['"]?)(\w+)\1/.exec(line.slice(i));
      if (m) {
        heredocs.push(m[2]!);
        i += m[0].length;
        continue;
      }
    }
    const two = line.slice(i, i + 2);
    if (two === '&&' || two === '||' || two === '$(') {
      flush();
      out.push({ text: two, sep: true });
      i += 2;
      continue;
    }
    if (';|&()`{}'.includes(c) && !(c === '{' && cur?.endsWith('$'))) {
      if (c === '}' && cur !== undefined && cur.includes('${')) {
        cur += c;
        i++;
        continue;
      }
      flush();
      out.push({ text: c, sep: true });
      i++;
      continue;
    }
    if ('<>'.includes(c)) {
      // A redirection: skip it and its target word.
      flush();
      i++;
      while (line[i] === '>' || line[i] === '&') i++;
      while (line[i] === ' ') i++;
      while (i < line.length && !' \t\n;|&()'.includes(line[i]!)) i++;
      continue;
    }
    cur = (cur ?? '') + c;
    i++;
  }
  flush();
  return out;
}

/** Every OpenSSH client invocation in a sh command line, as argv. */
export function sshCommandLines(line: string): string[][] {
  const words = tokenize(line);
  // psql's `\!` lines in a here-document are shell commands (the base backup's rsync).
  const found: string[][] = [...line.matchAll(/^\\! (.*)$/gm)].flatMap((m) => sshCommandLines(m[1]!));
  let atCommand = true;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.sep || (atCommand && SEPARATORS.has(w.text))) {
      atCommand = true;
      continue;
    }
    // Words that are command lines of their own.
    const nested = /^(?:\w+=)?((?:\S*\/)?ssh(?:-keygen|-keyscan)?\s[\s\S]*)$/.exec(w.text);
    // `sh -c SCRIPT`, `su … -c SCRIPT`: the script (become wraps every command this way).
    if (words[i - 1]?.text === '-c' && !nested) found.push(...sshCommandLines(w.text));
    else if (nested && /\s/.test(w.text)) {
      // rsync -e / --rsh: rsync appends the destination (and its own remote command).
      const rsh = words[i - 1]?.text === '-e' || words[i - 1]?.text === '--rsh';
      found.push(...sshCommandLines(nested[1]!).map((argv) => (rsh ? [...argv, '$RSYNC_DESTINATION'] : argv)));
    }
    if (atCommand && /^\w+=/.test(w.text)) continue; // VAR=value before a command
    if (atCommand && PROGRAMS.test(w.text)) {
      const argv = [w.text];
      let j = i + 1;
      for (; j < words.length && !words[j]!.sep; j++) argv.push(words[j]!.text);
      found.push(argv);
      i = j - 1;
    }
    atCommand = false;
  }
  return found;
}
