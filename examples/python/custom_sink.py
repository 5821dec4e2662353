#!/usr/bin/python3
# custom_sink.py: a fapilog sink written in Python.
#
# Fapilog.SimpleSink turns plain methods into a sink: do_write gets each
# entry, on the pipeline's worker thread. Return True, or raise (or return
# False) to have the entry counted as failed and written to stderr.
#
# Run it against an uninstalled build with
#   GI_TYPELIB_PATH=build/introspection LD_LIBRARY_PATH=build/fapilog \
#     /usr/bin/python3 examples/python/custom_sink.py
#
# SPDX-License-Identifier: MIT

import io
import json
import sys

import gi

gi.require_version('Fapilog', '1.0')
from gi.repository import Fapilog, GLib  # noqa: E402


class TextSink(Fapilog.SimpleSink):
    """Writes one "LEVEL logger: message key=value ..." line per entry."""

    def __init__(self, stream):
        super().__init__(name='text')
        self.stream = stream

    def do_write(self, entry):
        data = json.loads(entry.to_json())['data']
        fields = ' '.join(f'{key}={value}' for key, value in data.items())
        self.stream.write(f'{entry.get_level_name()} {entry.get_logger_name()}: '
                          f'{entry.get_message()} {fields}'.rstrip() + '\n')
        return True


def main():
    out = io.StringIO()
    pipeline = Fapilog.Pipeline.new(None)
    pipeline.add_sink(TextSink(out))
    pipeline.start()

    log = pipeline.get_logger('shop')
    log.log_variant(Fapilog.Level.INFO, 'order placed', GLib.Variant('a{sv}', {
        'order': GLib.Variant('s', 'A-17'), 'items': GLib.Variant('i', 3)}))
    log.bind_variant(GLib.Variant('a{sv}', {'order': GLib.Variant('s', 'A-17')})) \
       .log_variant(Fapilog.Level.WARNING, 'payment retried', None)

    stats = pipeline.shutdown(5 * 1_000_000)   # microseconds
    print(out.getvalue(), end='')

    # The example checks itself, so that the test suite can run it.
    expected = ('INFO shop: order placed order=A-17 items=3\n'
                'WARNING shop: payment retried order=A-17\n')
    if out.getvalue() != expected or stats.get_sink_written('text') != 2:
        print('unexpected output or counts:', stats.to_json(), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
