# helpers.py: shared by the Python binding tests
#
# SPDX-License-Identifier: MIT

import contextlib
import os
import sys
import tempfile
import threading

import gi

gi.require_version('Fapilog', '1.0')
from gi.repository import Fapilog, GLib  # noqa: E402

SECOND = 1_000_000  # the pipeline's timeouts are in microseconds


def settings(**props):
    """Settings for tests: no batching delay, no diagnostics unless asked."""
    props.setdefault('batch_timeout_seconds', 0.01)
    props.setdefault('internal_logging_enabled', False)
    return Fapilog.Settings(**props)


def fields(**values):
    """An a{sv} dictionary from GLib.Variant values."""
    return GLib.Variant('a{sv}', values)


def start_pipeline(*sinks, **props):
    pipeline = Fapilog.Pipeline.new(settings(**props))
    for sink in sinks:
        pipeline.add_sink(sink)
    pipeline.start()
    return pipeline


class Recorder(Fapilog.SimpleSink):
    """Keeps every entry it is given (entries are immutable) and the threads
    its methods ran on."""

    def __init__(self, **props):
        super().__init__(**props)
        self.entries = []
        self.threads = set()
        self.started = 0
        self.stopped = 0

    def do_start(self):
        self.threads.add(threading.get_ident())
        self.started += 1
        return True

    def do_write(self, entry):
        self.threads.add(threading.get_ident())
        self.entries.append(entry)
        return True

    def do_stop(self):
        self.threads.add(threading.get_ident())
        self.stopped += 1
        return True

    def messages(self):
        return [entry.get_message() for entry in self.entries]


@contextlib.contextmanager
def captured_stderr():
    """Captures file descriptor 2 (the pipeline's fallback, diagnostics and
    Python's own tracebacks) into result['text']."""
    result = {}
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield result
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            result['text'] = tmp.read().decode('utf-8', 'replace')
