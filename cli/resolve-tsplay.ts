// A module resolve hook (node:module register): `import … from 'tsplay'` in a custom module,
// wherever its folder is (beside a playbook, --module-path), resolves to the SDK of the tsplay
// that runs it: a global install, npx, or this checkout. Without it Node looks for a `tsplay`
// package above the module's own folder and finds none.
interface ResolveContext {
  parentURL?: string;
}
type Resolved = { url: string; shortCircuit?: boolean };
type NextResolve = (specifier: string, context: ResolveContext) => Promise<Resolved>;

let sdk = '';

export function initialize(data: { sdk: string }): void {
  sdk = data.sdk;
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<Resolved> {
  if (specifier === 'tsplay') return { url: sdk, shortCircuit: true };
  return next(specifier, context);
}
