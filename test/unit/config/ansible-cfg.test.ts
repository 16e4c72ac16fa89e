// ansible.cfg as Ansible finds and reads it: ANSIBLE_CONFIG, ./ansible.cfg (not in a
// world-writable directory), ~/.ansible.cfg, /etc/ansible/ansible.cfg; the first one only;
// ANSIBLE_* over the file; paths relative to the file; Ansible's booleans.
import { expect } from 'chai';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { findConfigFile, loadAnsibleConfig, parseIniConfig } from '../../../engine/config/ansible-cfg.js';
import { InputError } from '../../../engine/errors.js';
import { withConfig } from '../../../cli/config-flags.js';
import { SETTINGS } from '../../../cli/flags.js';
import { removeTrees, tree } from '../inventory/temp-tree.js';

const CFG = `# comment
[defaults]
inventory = inventory/hosts.ini, /abs/other.yml
roles_path = roles:~/shared-roles
forks = 7
remote_user = deploy
private_key_file = keys/id_ed25519
host_key_checking = False
vault_password_file = .vault-pass  ; inline comment
vault_identity_list = dev@prompt, prod@secrets/prod.pw
[privilege_escalation]
become = yes
become_user = postgres
become_method: sudo
`;

describe('config/ansible-cfg', () => {
  after(removeTrees);

  it('finds the first of ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg', () => {
    const d = tree({ 'env/ansible.cfg': '', 'cwd/ansible.cfg': '', 'home/.ansible.cfg': '', 'bare/x': '' });
    const home = join(d, 'home');
    expect(findConfigFile({ ANSIBLE_CONFIG: join(d, 'env') , HOME: home }, join(d, 'cwd'))).to.equal(join(d, 'env/ansible.cfg'));
    expect(findConfigFile({ HOME: home }, join(d, 'cwd'))).to.equal(join(d, 'cwd/ansible.cfg'));
    expect(findConfigFile({ HOME: home }, join(d, 'bare'))).to.equal(join(home, '.ansible.cfg'));
    chmodSync(join(d, 'cwd'), 0o777);
    expect(findConfigFile({ HOME: home }, join(d, 'cwd')), 'a world-writable ./ansible.cfg is ignored').to.equal(join(home, '.ansible.cfg'));
    mkdirSync(join(d, 'nohome'));
    expect(findConfigFile({ HOME: join(d, 'nohome') }, join(d, 'bare'))).to.equal(undefined);
  });

  it('reads the settings tsplay has, paths relative to the file, booleans as Ansible does', () => {
    const d = tree({ 'proj/ansible.cfg': CFG });
    const c = loadAnsibleConfig(SETTINGS, { ANSIBLE_CONFIG: join(d, 'proj/ansible.cfg'), HOME: '/root' }, d);
    expect(c).to.deep.include({
      file: join(d, 'proj/ansible.cfg'),
      inventory: [join(d, 'proj/inventory/hosts.ini'), '/abs/other.yml'],
      forks: 7,
      user: 'deploy',
      privateKey: join(d, 'proj/keys/id_ed25519'),
      hostKeyChecking: false,
      vaultPasswordFile: join(d, 'proj/.vault-pass'),
      vaultId: ['dev@prompt', 'prod@secrets/prod.pw'],
      become: true,
      becomeUser: 'postgres',
      becomeMethod: 'sudo',
    });
    expect((c.rolesPath as string[])[0]).to.equal(join(d, 'proj/roles'));
  });

  it('ANSIBLE_* beat the file; the command line beats both', () => {
    const d = tree({ 'ansible.cfg': CFG });
    const c = loadAnsibleConfig(SETTINGS, { ANSIBLE_CONFIG: join(d, 'ansible.cfg'), ANSIBLE_FORKS: '3', ANSIBLE_BECOME: 'no', ANSIBLE_INVENTORY: 'x.yml' }, d);
    expect(c).to.deep.include({ forks: 3, become: false, inventory: [join(d, 'x.yml')] });
    const f = withConfig({ forks: 9, inventory: ['cli.yml'], user: 'me', vaultId: ['ops@prompt'] }, c);
    expect(f).to.deep.include({ forks: 9, inventory: ['cli.yml'], user: 'me', hostKeyChecking: 'off', becomeUser: 'postgres' });
    expect(f.vaultId).to.deep.equal(['dev@prompt', 'prod@secrets/prod.pw', 'ops@prompt']);
    expect(f.vaultPasswordFile).to.deep.equal([join(d, '.vault-pass')]);
    expect(withConfig({ vaultPasswordFile: ['mine'] }, c).vaultPasswordFile).to.deep.equal(['mine']);
    expect(withConfig({}, {}).forks).to.equal(25);
    expect(() => withConfig({}, { becomeMethod: 'doas' })).to.throw(/tsplay becomes through sudo only/);
  });

  it('reports a malformed file with its line', () => {
    expect(() => parseIniConfig('[defaults]\nforks 5\n', 'ansible.cfg')).to.throw(InputError, 'ansible.cfg:2: expected key = value: forks 5');
    expect(() => parseIniConfig('forks = 5\n', 'ansible.cfg')).to.throw(InputError, /before any \[section\]/);
    expect(parseIniConfig('[d]\nk = a\n  b\n', 'f').get('d')!.get('k')).to.equal('a\nb');
    const d = tree({ 'ansible.cfg': '[defaults]\nforks = many\n' });
    expect(() => loadAnsibleConfig(SETTINGS, { ANSIBLE_CONFIG: join(d, 'ansible.cfg') }, d)).to.throw(InputError, /forks: expected a positive integer, got 'many'/);
  });

  it('[tsplay] persist (TSPLAY_PERSIST): seconds SSH connections are kept for the next run; 60 unless set, 0 turns it off', () => {
    const d = tree({ 'ansible.cfg': '[tsplay]\npersist = 300\n' });
    const c = loadAnsibleConfig(SETTINGS, { ANSIBLE_CONFIG: join(d, 'ansible.cfg') }, d);
    expect(c.persist).to.equal(300);
    expect(loadAnsibleConfig(SETTINGS, { ANSIBLE_CONFIG: join(d, 'ansible.cfg'), TSPLAY_PERSIST: '0' }, d).persist).to.equal(0);
    expect(withConfig({}, c).persist).to.equal(300);
    expect(withConfig({ persist: 0 }, c).persist, '--persist beats the file').to.equal(0);
    expect(withConfig({}, {}).persist).to.equal(60);
    expect(() => loadAnsibleConfig(SETTINGS, { TSPLAY_PERSIST: '1m' }, d)).to.throw(InputError, "TSPLAY_PERSIST: expected a whole number of seconds, got '1m'");
  });
});
