// The bundled modules: a static registry, in alphabetical order.
import type { ModuleDefinition } from '../engine/module-api.js';
import apt from './apt.js';
import assert from './assert.js';
import command from './command.js';
import debug from './debug.js';
import fail from './fail.js';
import file_line from './file_line.js';
import pg_md5 from './pg_md5.js';
import postgresql_query from './postgresql_query.js';
import postgresql_user from './postgresql_user.js';
import set_fact from './set_fact.js';
import setfacl from './setfacl.js';
import shell from './shell.js';
import wait_for from './wait_for.js';

export const bundledModules: readonly ModuleDefinition[] = [
  apt,
  assert,
  command,
  debug,
  fail,
  file_line,
  pg_md5,
  postgresql_query,
  postgresql_user,
  set_fact,
  setfacl,
  shell,
  wait_for,
];
