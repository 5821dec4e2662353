#!/usr/bin/python3
# test_pipeline.py: the pipeline, loggers, fields and the built-in sinks
# from Python (PyGObject), against the typelib in the build directory.
#
# SPDX-License-Identifier: MIT

import glob
import json
import os
import subprocess
import sys
import tempfile
import unittest

from helpers import SECOND, Fapilog, GLib, Recorder, fields, settings, start_pipeline


class PipelineTest(unittest.TestCase):

    def test_fields_bound_fields_and_context(self):
        sink = Recorder(name='rec')
        pipeline = start_pipeline(sink)
        log = pipeline.get_logger('app').bind_variant(
            fields(svc=GLib.Variant('s', 'api'), attempt=GLib.Variant('i', 1)))
        Fapilog.context_set_correlation_id('corr-1')
        Fapilog.context_bind('request_id', GLib.Variant('s', 'req-9'))
        Fapilog.context_bind('tenant', GLib.Variant('s', 't1'))
        try:
            log.log_variant(Fapilog.Level.WARNING, 'user login', fields(
                user_id=GLib.Variant('s', 'u-1'),
                attempt=GLib.Variant('i', 3),
                big=GLib.Variant('x', 2 ** 40),
                count=GLib.Variant('u', 7),
                ratio=GLib.Variant('d', 0.25),
                ok=GLib.Variant('b', True),
                tags=GLib.Variant('as', ['a', 'b']),
                point=GLib.Variant('(ii)', (1, 2)),
                nested=GLib.Variant('a{sv}', {'k': GLib.Variant('s', 'v')})))
            error = GLib.Error.new_literal(GLib.quark_from_string('my-domain'), 'disk full', 28)
            log.log_variant_full(Fapilog.Level.ERROR, 'save failed', None, error,
                                 'app.py', 42, 'save')
        finally:
            Fapilog.context_clear()
        log.log_variant(Fapilog.Level.INFO, 'no context', None)

        self.assertTrue(pipeline.flush(10 * SECOND))
        self.assertEqual(sink.messages(), ['user login', 'save failed', 'no context'])
        first, second, third = sink.entries

        # Entry 1: level, logger, every field with its GVariant type.
        self.assertEqual(first.get_level(), Fapilog.Level.WARNING)
        self.assertEqual(first.get_level_name(), 'WARNING')
        self.assertEqual(first.get_logger_name(), 'app')
        self.assertEqual(first.get_correlation_id(), 'corr-1')
        self.assertEqual(len(first.get_message_id()), 36)
        self.assertGreater(first.get_timestamp_us(), 0)
        expected = {
            # Integers are kept as 64-bit: signed as 'x', unsigned as 't'.
            'data.attempt': ('x', 3),
            'data.big': ('x', 2 ** 40),
            'data.count': ('t', 7),
            'data.ratio': ('d', 0.25),
            'data.ok': ('b', True),
            'data.tags': ('as', ['a', 'b']),
            'data.tags.1': ('s', 'b'),
            'data.point': ('(ii)', (1, 2)),
            'data.nested.k': ('s', 'v'),
            'data.svc': ('s', 'api'),           # bound to the logger
            'data.tenant': ('s', 't1'),         # bound to the thread
            'context.user_id': ('s', 'u-1'),    # a context key goes to "context"
            'context.request_id': ('s', 'req-9'),
            'context.correlation_id': ('s', 'corr-1'),
        }
        for path, (type_string, value) in expected.items():
            variant = first.lookup(path)
            self.assertIsNotNone(variant, path)
            self.assertEqual(variant.get_type_string(), type_string, path)
            self.assertEqual(variant.unpack(), value, path)
        self.assertIsNone(first.lookup('data.user_id'))
        self.assertIsNone(first.lookup('data.missing'))

        envelope = json.loads(first.to_json())
        self.assertEqual(list(envelope), ['timestamp', 'level', 'message', 'logger',
                                          'context', 'diagnostics', 'data'])
        self.assertEqual(envelope['data'], {
            'tenant': 't1', 'svc': 'api', 'attempt': 3, 'big': 2 ** 40, 'count': 7,
            'ratio': 0.25, 'ok': True, 'tags': ['a', 'b'], 'point': [1, 2],
            'nested': {'k': 'v'}})
        self.assertEqual(envelope['context']['user_id'], 'u-1')
        self.assertEqual(envelope['context']['message_id'], first.get_message_id())

        # Entry 2: the GError and the code location.
        self.assertEqual(second.get_level(), Fapilog.Level.ERROR)
        self.assertEqual(second.lookup('diagnostics.exception.message').unpack(), 'disk full')
        self.assertEqual(second.lookup('diagnostics.exception.code').unpack(), 28)
        self.assertEqual(second.lookup('diagnostics.exception.domain').unpack(), 'my-domain')
        self.assertEqual(second.lookup('diagnostics.origin.line').unpack(), 42)
        self.assertEqual(second.lookup('data.attempt').unpack(), 1)  # the bound value
        self.assertEqual(second.get_correlation_id(), 'corr-1')

        # Entry 3: logged after the thread's context was cleared.
        self.assertIsNone(third.get_correlation_id())
        self.assertIsNone(third.lookup('context.request_id'))
        self.assertIsNone(third.lookup('data.tenant'))
        self.assertEqual(third.lookup('data.svc').unpack(), 'api')

        stats = pipeline.shutdown(10 * SECOND)
        self.assertEqual(stats.get_sink_written('rec'), 3)
        self.assertEqual(stats.get_sink_failed('rec'), 0)

    def test_level_gate(self):
        sink = Recorder(name='rec')
        pipeline = start_pipeline(sink, log_level=Fapilog.Level.WARNING)
        log = pipeline.get_logger('gate')
        self.assertFalse(log.is_enabled(Fapilog.Level.INFO))
        self.assertTrue(log.is_enabled(Fapilog.Level.ERROR))
        for level in (Fapilog.Level.DEBUG, Fapilog.Level.INFO, Fapilog.Level.WARNING,
                      Fapilog.Level.ERROR, Fapilog.Level.AUDIT):
            log.log_variant(level, level.value_nick, None)
        pipeline.set_level(Fapilog.Level.DEBUG)
        log.log_variant(Fapilog.Level.DEBUG, 'now debug', None)
        self.assertTrue(pipeline.flush(10 * SECOND))
        self.assertEqual(sink.messages(), ['warning', 'error', 'audit', 'now debug'])
        self.assertEqual([e.get_level_name() for e in sink.entries],
                         ['WARNING', 'ERROR', 'AUDIT', 'DEBUG'])
        pipeline.shutdown(10 * SECOND)

    def test_flush_shutdown_and_stats(self):
        sink = Recorder(name='rec')
        pipeline = Fapilog.Pipeline.new(settings(batch_timeout_seconds=60.0))
        pipeline.add_sink(sink)
        with self.assertRaises(GLib.Error) as raised:
            pipeline.flush(SECOND)
        self.assertTrue(raised.exception.matches(Fapilog.pipeline_error_quark(),
                                                 Fapilog.PipelineError.NOT_STARTED))
        pipeline.start()
        self.assertEqual(sink.started, 1)
        log = pipeline.get_logger('bulk')
        for i in range(200):
            log.log_variant(Fapilog.Level.INFO, 'n', fields(i=GLib.Variant('i', i)))
        # A long batch timeout: only the flush moves the entries.
        self.assertTrue(pipeline.flush(10 * SECOND))
        self.assertEqual([e.lookup('data.i').unpack() for e in sink.entries], list(range(200)))

        stats = pipeline.shutdown(10 * SECOND)
        self.assertEqual(sink.stopped, 1)
        self.assertEqual(stats.get_submitted(), 200)
        self.assertEqual(stats.get_processed(), 200)
        self.assertEqual(stats.get_dropped(), 0)
        self.assertEqual(stats.get_sink_written('rec'), 200)
        self.assertIn('rec', stats.get_sink_names())
        self.assertEqual(json.loads(stats.to_json())['sinks']['rec'], {'written': 200, 'failed': 0})

        # After shutdown: logging is counted as dropped, flush refuses.
        log.log_variant(Fapilog.Level.INFO, 'late', None)
        self.assertEqual(pipeline.get_stats().get_dropped(), 1)
        with self.assertRaises(GLib.Error) as raised:
            pipeline.flush(SECOND)
        self.assertTrue(raised.exception.matches(Fapilog.pipeline_error_quark(),
                                                 Fapilog.PipelineError.CLOSED))
        self.assertEqual(len(sink.entries), 200)

    def test_flush_async_with_main_loop(self):
        sink = Recorder(name='rec')
        pipeline = start_pipeline(sink)
        log = pipeline.get_logger('loop')
        for message in ('a', 'b', 'c'):
            log.log_variant(Fapilog.Level.INFO, message, None)
        loop = GLib.MainLoop()
        outcome = []

        def done(source, result):
            outcome.append(source.flush_finish(result))
            loop.quit()

        pipeline.flush_async(10 * SECOND, None, done)
        loop.run()
        self.assertEqual(outcome, [True])
        self.assertEqual(sink.messages(), ['a', 'b', 'c'])
        pipeline.shutdown(10 * SECOND)

    def test_stdout_json_to_a_descriptor(self):
        with tempfile.TemporaryFile() as out:
            pipeline = start_pipeline(Fapilog.StdoutSink.new_for_fd(out.fileno()))
            log = pipeline.get_logger('fd')
            log.log_variant(Fapilog.Level.INFO, 'first', fields(n=GLib.Variant('i', 1)))
            log.log_variant(Fapilog.Level.ERROR, 'second', fields(n=GLib.Variant('i', 2)))
            stats = pipeline.shutdown(10 * SECOND)
            self.assertEqual(stats.get_sink_written('stdout_json'), 2)
            out.seek(0)
            lines = [json.loads(line) for line in out.read().decode().splitlines()]
        self.assertEqual([(l['level'], l['message'], l['logger'], l['data']['n']) for l in lines],
                         [('INFO', 'first', 'fd', 1), ('ERROR', 'second', 'fd', 2)])

    def test_stdout_json_in_a_child_process(self):
        # The real standard output of a Python program, read by its parent:
        # once with the sink made in code, once chosen by the environment.
        child = r'''
import sys
import gi
gi.require_version('Fapilog', '1.0')
from gi.repository import Fapilog, GLib
if sys.argv[1] == 'code':
    pipeline = Fapilog.Pipeline.new(None)
    pipeline.add_sink(Fapilog.StdoutSink.new())
else:
    pipeline = Fapilog.Pipeline.new_from_environment()
pipeline.start()
log = pipeline.get_logger('child')
for i in range(3):
    log.log_variant(Fapilog.Level.INFO, 'line', GLib.Variant('a{sv}', {'i': GLib.Variant('i', i)}))
stats = pipeline.shutdown(10000000)
sys.exit(0 if stats.get_sink_written('stdout_json') == 3 else 1)
'''
        for how in ('code', 'environment'):
            env = dict(os.environ, FAPILOG_CORE__SINKS='stdout_json')
            result = subprocess.run([sys.executable, '-c', child, how], env=env,
                                    capture_output=True, timeout=60)
            self.assertEqual(result.returncode, 0, result.stderr.decode())
            lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
            self.assertEqual([(l['message'], l['logger'], l['data']['i']) for l in lines],
                             [('line', 'child', 0), ('line', 'child', 1), ('line', 'child', 2)])

    def test_rotating_file(self):
        with tempfile.TemporaryDirectory() as directory:
            # Small files, so that the entries are spread over several.
            sink = Fapilog.RotatingFileSink(directory=directory, max_bytes=600,
                                            filename_prefix='py')
            pipeline = start_pipeline(sink)
            log = pipeline.get_logger('files')
            for i in range(30):
                log.log_variant(Fapilog.Level.INFO, 'rotated', fields(i=GLib.Variant('i', i)))
            stats = pipeline.shutdown(10 * SECOND)
            self.assertEqual(stats.get_sink_written('rotating_file'), 30)
            self.assertEqual(stats.get_sink_failed('rotating_file'), 0)

            files = glob.glob(os.path.join(directory, 'py-*.jsonl'))
            self.assertGreater(len(files), 1)
            seen = []
            for path in files:
                with open(path, encoding='utf-8') as f:
                    lines = f.read().splitlines()
                self.assertGreater(len(lines), 0)
                numbers = [json.loads(line)['data']['i'] for line in lines]
                self.assertEqual(numbers, sorted(numbers))   # in order within a file
                seen.extend(numbers)
            self.assertEqual(sorted(seen), list(range(30)))

    def test_rotating_file_by_name_from_settings(self):
        with tempfile.TemporaryDirectory() as directory:
            pipeline = Fapilog.Pipeline.new(settings(sinks=['rotating_file'],
                                                     file_directory=directory))
            pipeline.add_configured_sinks()
            pipeline.start()
            pipeline.get_logger('cfg').log_variant(Fapilog.Level.INFO, 'configured', None)
            pipeline.shutdown(10 * SECOND)
            files = glob.glob(os.path.join(directory, 'fapilog-*.jsonl'))
            self.assertEqual(len(files), 1)
            with open(files[0], encoding='utf-8') as f:
                self.assertEqual(json.loads(f.read())['message'], 'configured')


if __name__ == '__main__':
    unittest.main(verbosity=2)
