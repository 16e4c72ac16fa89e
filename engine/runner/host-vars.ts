// Variable precedence for one host, low to high (documented in the README):
//   inventory (all < parent group < child group < host) < facts < play vars < vars_files
//   < registered results and set_fact < block vars < task vars < loop variables < extra vars
// Each task builds its scope from these layers; values are templated lazily on access, except
// in layers marked as data (facts, registered results, loop items: what came from a host).
import type { Evaluator, VarSource } from '../expressions.js';
import { LazyMapping, absent } from '../jinja/index.js';

export type Layer = Readonly<Record<string, unknown>>;

const dataLayers = new WeakSet<object>();

/** Marks a layer as data: its values are read as they are, never templated (host data is data). */
export function dataLayer<T extends object>(layer: T): T {
  dataLayers.add(layer);
  return layer;
}

export class LayeredVars implements VarSource {
  /** Layers from lowest to highest precedence. */
  constructor(private layers: readonly Layer[]) {}

  lookup(name: string): { value: unknown; data: boolean } | undefined {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i]!;
      if (Object.prototype.hasOwnProperty.call(l, name)) return { value: l[name], data: dataLayers.has(l) };
    }
    return undefined;
  }

  names(): string[] {
    return [...new Set(this.layers.flatMap((l) => Object.keys(l)))];
  }
}

/** The `hostvars` magic variable: each host's variables, templated in that host's own scope. */
export function hostvarsMapping(scopeOf: (host: string) => Evaluator | undefined, hosts: () => string[]): LazyMapping {
  return new LazyMapping('hostvars', (h) => scopeOf(h)?.vars ?? absent, hosts);
}
