// Variable precedence for one host, low to high (documented in the README):
//   inventory (all < parent group < child group < host) < facts < play vars < vars_files
//   < registered results and set_fact < block vars < task vars < loop variables < extra vars
// Each task builds its scope from these layers; values are templated lazily on access.
import { Evaluator, missing, type VarSource } from '../expressions.js';

export type Layer = Readonly<Record<string, unknown>>;

export class LayeredVars implements VarSource {
  /** Layers from lowest to highest precedence. */
  constructor(private layers: readonly Layer[]) {}

  lookup(name: string): unknown {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i]!;
      if (Object.prototype.hasOwnProperty.call(l, name)) return l[name];
    }
    return missing;
  }

  names(): string[] {
    return [...new Set(this.layers.flatMap((l) => Object.keys(l)))];
  }

  with(...more: Layer[]): LayeredVars {
    return new LayeredVars([...this.layers, ...more]);
  }
}

/** The `hostvars` magic variable: each host's variables, templated in that host's own scope. */
export function hostvarsObject(scopeOf: (host: string) => Evaluator | undefined): Record<string, unknown> {
  return new Proxy(
    {},
    {
      get: (_t, key) => (typeof key === 'string' ? scopeOf(key)?.varsObject() : undefined),
      has: (_t, key) => typeof key === 'string' && scopeOf(key) !== undefined,
    },
  );
}
