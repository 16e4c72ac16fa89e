// Mappings whose values are computed on access: `vars`, `hostvars` and each `hostvars[host]`.
// They look like dicts to templates (attribute and item access, `in`, iteration, filters).

export const absent: unique symbol = Symbol('absent');

export class LazyMapping {
  constructor(
    readonly label: string,
    private getter: (key: string) => unknown | typeof absent,
    private lister: () => string[],
  ) {}
  get(key: string): unknown | typeof absent {
    return this.getter(key);
  }
  keys(): string[] {
    return this.lister();
  }
  has(key: string): boolean {
    return this.getter(key) !== absent;
  }
}
