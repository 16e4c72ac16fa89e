// The benchmark's detection of Ansible modules: `ansible-doc NAME` exits 0 for a module it cannot
// find, so detection by exit code said community.general.ufw was there on a bare ansible-core
// (issue 16) and the benchmark's warm-up died on it.
import { expect } from 'chai';
import { hasModule } from '../../bench/tools.js';
import { requireAnsible } from '../support/ansible.js';

describe('bench/tools hasModule', function () {
  this.timeout(30_000);
  before(function () {
    requireAnsible(this, "the benchmark's module detection");
  });

  it('says no for a module no installed collection has', async () => {
    expect(await hasModule('tsplay_absent.nowhere.no_such_module')).to.equal(false);
  });

  it('says yes for a module of ansible-core', async () => {
    expect(await hasModule('ansible.builtin.lineinfile')).to.equal(true);
  });
});
