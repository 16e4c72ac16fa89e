# A stdout callback for ansible-core alone: every task's result per host as one JSON document,
# in the shape of ansible.posix's `json` callback (plays → tasks → hosts). Debian's ansible-core
# ships no JSON callback (it lives in the ansible.posix collection), and the tests compare tsplay
# with ansible-core only, so the callback is kept with the tests (issue 16).
from __future__ import annotations

import json

from ansible.module_utils.common.json import AnsibleJSONEncoder
from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
    name: tsplay_json
    type: stdout
    short_description: task results as one JSON document (tsplay's test oracle)
    description: plays, tasks and each host's result, printed when the playbook ends.
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'tsplay_json'

    def __init__(self, display=None):
        super().__init__(display)
        self.plays = []

    def v2_playbook_on_play_start(self, play):
        self.plays.append({'play': {'name': play.get_name()}, 'tasks': []})

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.plays[-1]['tasks'].append({'task': {'name': task.get_name()}, 'hosts': {}})

    def v2_playbook_on_handler_task_start(self, task):
        self.v2_playbook_on_task_start(task, False)

    def _record(self, result, **extra):
        if not self.plays or not self.plays[-1]['tasks']:
            return
        entry = dict(result._result)
        entry.update(extra)
        entry.setdefault('changed', False)
        self.plays[-1]['tasks'][-1]['hosts'][result._host.get_name()] = entry

    def v2_runner_on_ok(self, result):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, failed=True)

    def v2_runner_on_skipped(self, result):
        self._record(result, skipped=True)

    def v2_runner_on_unreachable(self, result):
        self._record(result, unreachable=True)

    def v2_playbook_on_stats(self, stats):
        summary = {h: stats.summarize(h) for h in sorted(stats.processed.keys())}
        self._display.display(json.dumps({'plays': self.plays, 'stats': summary}, cls=AnsibleJSONEncoder, indent=2, sort_keys=True))
