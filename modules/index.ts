// The bundled modules: a static registry, in alphabetical order.
import { type FactProvider, type ModuleDefinition } from '../sdk/index.js';
import apt from './apt.js';
import assert from './assert.js';
import authorized_key from './authorized_key.js';
import blockinfile from './blockinfile.js';
import command from './command.js';
import copy from './copy.js';
import debug from './debug.js';
import fail from './fail.js';
import fetch from './fetch.js';
import file from './file.js';
import file_line from './file_line.js';
import find from './find.js';
import getent from './getent.js';
import group from './group.js';
import hostname from './hostname.js';
import include_vars from './include_vars.js';
import pause from './pause.js';
import ping from './ping.js';
import pcp_node_info from './pcp_node_info.js';
import pg_client from './pg_client.js';
import pg_cluster_status from './pg_cluster_status.js';
import pg_ctlcluster from './pg_ctlcluster.js';
import pg_md5 from './pg_md5.js';
import pg_topology from './pg_topology.js';
import postgresql_query from './postgresql_query.js';
import postgresql_user from './postgresql_user.js';
import replace from './replace.js';
import rsync_basebackup from './rsync_basebackup.js';
import service from './service.js';
import set_fact from './set_fact.js';
import setfacl from './setfacl.js';
import shell from './shell.js';
import slurp from './slurp.js';
import ssh_keypair from './ssh_keypair.js';
import stat from './stat.js';
import sysctl from './sysctl.js';
import systemd_service from './systemd_service.js';
import template from './template.js';
import ufw from './ufw.js';
import user from './user.js';
import wait_for from './wait_for.js';
import wait_for_connection from './wait_for_connection.js';
import { pgFacts } from './lib/pg-facts.js';

export const bundledModules: readonly ModuleDefinition[] = [
  apt,
  assert,
  authorized_key,
  blockinfile,
  command,
  copy,
  debug,
  fail,
  fetch,
  file,
  file_line,
  find,
  getent,
  group,
  hostname,
  include_vars,
  pause,
  ping,
  pcp_node_info,
  pg_client,
  pg_cluster_status,
  pg_ctlcluster,
  pg_md5,
  pg_topology,
  postgresql_query,
  postgresql_user,
  replace,
  rsync_basebackup,
  service,
  set_fact,
  setfacl,
  shell,
  slurp,
  ssh_keypair,
  stat,
  sysctl,
  systemd_service,
  template,
  ufw,
  user,
  wait_for,
  wait_for_connection,
];

export const bundledFacts: readonly FactProvider[] = [pgFacts];
