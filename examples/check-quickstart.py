#!/usr/bin/python3
# check-quickstart.py: runs the quickstart example with stdout_json and
# checks that the three entries it logs come out as the README says.
#
# SPDX-License-Identifier: MIT
import json
import os
import subprocess
import sys

env = dict(os.environ, FAPILOG_CORE__SINKS='stdout_json')
out = subprocess.run([sys.argv[1]], env=env, check=True, capture_output=True, text=True).stdout
entries = [json.loads(line) for line in out.splitlines()]

expected = [
    ('INFO', 'service starting', {'port': 8080}),
    ('WARNING', 'slow query', {'table': 'users', 'ms': 812.5}),
    ('ERROR', 'cannot read configuration', {}),
]
assert len(entries) == len(expected), f'{len(entries)} entries: {out}'
for entry, (level, message, data) in zip(entries, expected):
    assert entry['level'] == level, entry
    assert entry['message'] == message, entry
    assert entry['logger'] == 'quickstart', entry
    for key, value in data.items():
        assert entry['data'][key] == value, (key, entry)
# The bound field rides along on the request logger's entries only.
assert 'request_id' not in json.dumps(entries[0]), entries[0]
for entry in entries[1:]:
    assert entry['context']['request_id'] == 'req-42', entry
# The GError is in the envelope.
exc = entries[2]['diagnostics']['exception']
assert exc['domain'] == 'g-file-error-quark', exc
assert 'nonexistent' in exc['message'], exc
print('quickstart: 3 entries as expected')
