// The mode part of Ansible's stat result (stat and find report it alike): the permission bits
// as a four-digit octal string and one flag per file type, from st_mode.
export function modeFacts(stMode: number): Record<string, unknown> {
  const type = stMode & 0o170000;
  return {
    mode: (stMode & 0o7777).toString(8).padStart(4, '0'),
    isdir: type === 0o040000,
    ischr: type === 0o020000,
    isblk: type === 0o060000,
    isreg: type === 0o100000,
    isfifo: type === 0o010000,
    islnk: type === 0o120000,
    issock: type === 0o140000,
  };
}
