// The controller-only modules' results (what fixture cases do not see): debug's printed output,
// set_fact's facts, assert's and fail's error results.
import { expect } from 'chai';
import { ModuleError } from '../../../engine/errors.js';
import assertModule from '../../../modules/assert.js';
import debug from '../../../modules/debug.js';
import fail from '../../../modules/fail.js';
import setFact from '../../../modules/set_fact.js';
import { runRecorded } from './recording.js';

describe('controller-only modules (results)', () => {
  it('debug prints msg, an expression as JSON, and says when a variable is undefined', async () => {
    const msg = await runRecorded(debug, { msg: 'standby slave streams' });
    expect(msg.first).to.deep.include({ changed: false, output: 'standby slave streams', result: { msg: 'standby slave streams' } });
    const expr = "vpn.rows | map(attribute='name') | list";
    const v = await runRecorded(debug, { var: expr }, { vars: { vpn: { rows: [{ name: 'OpenVPN' }, { name: 'SSTP' }] } } });
    expect(v.first).to.deep.include({ output: `${expr}: [\n  "OpenVPN",\n  "SSTP"\n]` });
    expect(v.result).to.deep.equal({ [expr]: ['OpenVPN', 'SSTP'] });
    const undef = await runRecorded(debug, { var: 'nothing_here' });
    expect((undef.first as { output: string }).output).to.match(/^nothing_here: VARIABLE IS NOT DEFINED!/);
    expect((await runRecorded(debug, {})).first).to.deep.include({ output: 'Hello world!' });
    expect(v.conn.sent).to.deep.equal([]);
  });

  it('set_fact returns its arguments as facts', async () => {
    const run = await runRecorded(setFact, { pg_version: '15', backends: [{ port: 5432 }] });
    expect(run.first).to.deep.include({ changed: false, facts: { pg_version: '15', backends: [{ port: 5432 }] } });
  });

  it('assert and fail fail with a result for register', async () => {
    const vars = { rows: [1, 2] };
    const ok = await runRecorded(assertModule, { that: 'rows | length == 2' }, { vars });
    expect(ok.result).to.deep.equal({ msg: 'All assertions passed' });
    try {
      await runRecorded(assertModule, { that: ['rows | length == 2', 'rows | length > 5'], fail_msg: 'missing row' }, { vars });
      expect.fail('should fail');
    } catch (e) {
      expect(e).to.be.instanceOf(ModuleError);
      expect((e as ModuleError).result).to.deep.equal({ assertion: 'rows | length > 5', evaluated_to: false, msg: 'missing row' });
    }
    try {
      await runRecorded(fail, { msg: 'stop here' });
      expect.fail('should fail');
    } catch (e) {
      expect((e as ModuleError).result).to.deep.equal({ msg: 'stop here' });
    }
  });
});
