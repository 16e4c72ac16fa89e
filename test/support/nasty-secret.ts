// A secret that escapes naive redaction: quotes, backslashes, a dollar, URL delimiters, a
// space, a non-ASCII letter and a tab, so each printed form of it differs from the raw one.
export const NASTY = `p@ss "w\\ord' $x&y=1/é\tz`;
