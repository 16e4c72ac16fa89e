// The keeper's framing: messages split anywhere or joined in one chunk come out whole and in
// order, binary bodies byte-exact.
import { expect } from 'chai';
import { encode, MessageReader } from '../../../engine/connection/keeper-wire.js';

describe('connection/keeper-wire', () => {
  it('reassembles messages from any chunking, bodies byte-exact', () => {
    const body = Buffer.from([...Array(256).keys(), 0, 10, 13]);
    const stream = Buffer.concat([encode({ id: 1, op: 'open' }), encode({ id: 2, op: 'exec', command: "echo 'é'" }, body), encode({ id: 3 })]);
    for (const size of [1, 3, 8, 9, 100, stream.length]) {
      const r = new MessageReader();
      const got = [];
      for (let i = 0; i < stream.length; i += size) got.push(...r.push(stream.subarray(i, i + size)));
      expect(got.map((m) => m.head)).to.deep.equal([{ id: 1, op: 'open' }, { id: 2, op: 'exec', command: "echo 'é'" }, { id: 3 }]);
      expect(got[1]!.body.equals(body)).to.equal(true);
      expect(got[0]!.body.length).to.equal(0);
    }
  });

  it('throws on a head that is not JSON (the peer is dropped)', () => {
    const bad = Buffer.alloc(8 + 3);
    bad.writeUInt32BE(3, 0);
    bad.write('{x}', 8);
    expect(() => new MessageReader().push(bad)).to.throw();
  });
});
