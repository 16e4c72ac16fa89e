import { expect } from 'chai';
import { defineModule } from '../../engine/module-api.js';
import { parseKeyValueArgs, validateArgs } from '../../engine/module-args.js';

const mod = defineModule({
  name: 'thing',
  summary: 'test double',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string' },
      create: { type: 'boolean', default: false },
      retries: { type: 'integer' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
      mode: { type: ['string', 'integer'] },
    },
  },
  aliases: { dest: 'path' },
  check: async () => ({ changed: false, reason: 'test' }),
  apply: async () => undefined,
});

describe('module arguments', () => {
  describe('k=v strings', () => {
    it('splits words, honours quotes, keeps {{ }} whole', () => {
      expect(parseKeyValueArgs('a=1 b="x y" c=\'p q\' d="say \\"hi\\""')).to.deep.equal({ a: '1', b: 'x y', c: 'p q', d: 'say "hi"' });
      expect(parseKeyValueArgs('msg="{{ a }} {{ b }}" path=/srv/{{ host | default }}/x')).to.deep.equal({ msg: '{{ a }} {{ b }}', path: '/srv/{{ host | default }}/x' });
    });

    it('without free form, other words are _raw_params', () => {
      expect(parseKeyValueArgs('a=1 some words')).to.deep.equal({ a: '1', _raw_params: 'some words' });
    });

    it('with free form, only leading known arguments are arguments; the rest is kept as written', () => {
      expect(parseKeyValueArgs('chdir=/tmp FOO=1 env  |  grep X', 'cmd', ['chdir', 'creates'])).to.deep.equal({ chdir: '/tmp', cmd: 'FOO=1 env  |  grep X' });
      expect(parseKeyValueArgs('echo {{ a }}\necho b=c\n', 'cmd', ['chdir'])).to.deep.equal({ cmd: 'echo {{ a }}\necho b=c\n' });
      expect(parseKeyValueArgs('msg=boom', 'msg', ['msg'])).to.deep.equal({ msg: 'boom' });
      expect(parseKeyValueArgs('the host is down', 'msg', ['msg'])).to.deep.equal({ msg: 'the host is down' });
    });
  });

  describe('validation', () => {
    it('fills defaults, renames aliases, converts yes/no and numeric strings', async () => {
      const { args, problems } = await validateArgs(mod, { dest: '/x', create: 'yes', retries: '3' });
      expect(problems).to.deep.equal([]);
      expect(args).to.deep.equal({ path: '/x', create: true, retries: 3, state: 'present' });
      expect((await validateArgs(mod, { path: '/x', create: 'off' })).args.create).to.equal(false);
      expect((await validateArgs(mod, { path: '/x', mode: '0644' })).args.mode).to.equal('0644');
    });

    it('names unknown arguments with the allowed ones and the nearest', async () => {
      const { problems } = await validateArgs(mod, { path: '/x', stat: 'present' });
      expect(problems).to.deep.equal([{ key: 'stat', message: "thing: unknown argument 'stat'", hint: "allowed: create, mode, path, retries, state (did you mean 'state'?)" }]);
    });

    it('bad values, enums and missing arguments', async () => {
      const { problems } = await validateArgs(mod, { state: 'gone', create: 'perhaps' });
      expect(problems.map((p) => p.message)).to.have.members([
        "thing: missing required argument 'path'",
        "thing: argument 'state' must be one of: present, absent",
        "thing: argument 'create' must be boolean",
      ]);
    });

    it('skips type errors of arguments only known at run time, never unknown ones', async () => {
      const { problems } = await validateArgs(mod, { path: '/x', create: '{{ flag }}', bogus: '{{ x }}' }, (k) => k === 'create' || k === 'bogus');
      expect(problems.map((p) => p.message)).to.deep.equal(["thing: unknown argument 'bogus'"]);
    });
  });

  describe('compilation', () => {
    /** A module whose schema counts how often ajv walks it (once per compile). */
    const counted = () => {
      const walks = { n: 0 };
      const schema = new Proxy(
        { type: 'object', additionalProperties: false, properties: { path: { type: 'string' } } },
        { ownKeys: (t) => (walks.n++, Reflect.ownKeys(t)) },
      );
      return { walks, mod: defineModule({ name: 'counted', summary: 'test double', schema, check: async () => ({ changed: false, reason: 'test' }), apply: async () => undefined }) };
    };

    it('compiles a schema once, even for tasks validated all at once in a fresh process (the loader does that)', async () => {
      // A fresh instance of the module, as in a new process: ajv not loaded yet.
      const fresh = (await import(`../../engine/module-args.js?fresh=${Date.now()}`)) as typeof import('../../engine/module-args.js');
      const many = counted();
      await Promise.all(Array.from({ length: 200 }, (_, i) => fresh.validateArgs(many.mod, { path: `/x${i}` })));
      const one = counted();
      await validateArgs(one.mod, { path: '/x' });
      const perCompile = one.walks.n;
      expect(perCompile).to.be.greaterThan(0);
      expect(many.walks.n).to.equal(perCompile);
    });
  });
});
