// Tests that need root (the lab, sshd, useradd) skip loudly without it; under CI=true a missing
// prerequisite fails instead, so that a CI run cannot pass by skipping.

export function requireRootOrSkip(ctx: Mocha.Context, what: string): void {
  if (process.getuid?.() === 0) return;
  const message = `${what} need root`;
  if (process.env.CI === 'true') throw new Error(`${message}; failing because CI=true`);
  const bar = '*'.repeat(message.length + 20);
  console.warn(`\n  ${bar}\n  ***  SKIPPED: ${message}  ***\n  ${bar}\n`);
  ctx.skip();
}
