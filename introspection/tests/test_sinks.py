#!/usr/bin/python3
# test_sinks.py: sinks written in Python: Fapilog.SimpleSink subclasses (on
# the worker thread and in a main context) and the asynchronous
# Fapilog.Sink interface implemented directly.
#
# SPDX-License-Identifier: MIT

import json
import threading
import unittest

from helpers import (SECOND, Fapilog, GLib, Recorder, captured_stderr, fields,
                     start_pipeline)

from gi.repository import Gio, GObject


def log_all(pipeline, messages, name='app'):
    log = pipeline.get_logger(name)
    for i, message in enumerate(messages):
        log.log_variant(Fapilog.Level.INFO, message, fields(i=GLib.Variant('i', i)))


class SerializedSink(Fapilog.SimpleSink):
    """Gets each entry's JSON line; the view also gives the entry."""

    def __init__(self, **props):
        super().__init__(**props)
        self.lines = []
        self.levels = []

    def do_write_serialized(self, view):
        self.lines.append(bytes(view.get_data()).decode('utf-8'))
        self.levels.append(view.get_entry().get_level_name())
        return True


class BatchSink(Fapilog.SimpleSink):
    """Gets whole batches; fails a batch that holds a message 'fail'."""

    def __init__(self, **props):
        super().__init__(**props)
        self.batches = []

    def do_write_batch(self, batch):
        entries = [batch.get_entry(i) for i in range(batch.get_n_entries())]
        if any(entry.get_message() == 'fail' for entry in entries):
            raise GLib.Error.new_literal(Fapilog.sink_error_quark(), 'batch refused',
                                         Fapilog.SinkError.FAILED)
        data = bytes(batch.get_data()).decode('utf-8')
        self.batches.append((entries, data))
        return True


class FussySink(Recorder):
    """Fails some entries, each in a different way."""

    def do_write(self, entry):
        message = entry.get_message()
        if message == 'raise':
            raise ValueError('boom from python')
        if message == 'false':
            return False
        if message == 'gerror':
            raise GLib.Error.new_literal(Fapilog.sink_error_quark(), 'refused by python',
                                         Fapilog.SinkError.CLOSED)
        return super().do_write(entry)


class AsyncSink(GObject.Object, Fapilog.Sink):
    """Implements the asynchronous interface itself, with Gio.Task."""

    name = GObject.Property(type=str, default='py_async')

    def __init__(self):
        super().__init__()
        self.calls = []
        self.threads = set()
        self.messages = []

    def _complete(self, cancellable, callback, error=None):
        self.threads.add(threading.get_ident())
        task = Gio.Task.new(self, cancellable, callback)
        if error is None:
            task.return_boolean(True)
        else:
            task.return_error(error)

    def do_start_async(self, cancellable, callback, user_data):
        self.calls.append('start')
        self._complete(cancellable, callback)

    def do_start_finish(self, result):
        return result.propagate_boolean()

    def do_write_async(self, entry, cancellable, callback, user_data):
        self.calls.append('write')
        if entry.get_message() == 'fail':
            self._complete(cancellable, callback,
                           GLib.Error.new_literal(Fapilog.sink_error_quark(), 'async refusal',
                                                  Fapilog.SinkError.FAILED))
            return
        self.messages.append(entry.get_message())
        self._complete(cancellable, callback)

    def do_write_finish(self, result):
        return result.propagate_boolean()

    def do_stop_async(self, cancellable, callback, user_data):
        self.calls.append('stop')
        self._complete(cancellable, callback)

    def do_stop_finish(self, result):
        return result.propagate_boolean()


class SimpleSinkTest(unittest.TestCase):

    def test_write_on_the_worker(self):
        sink = Recorder(name='rec')
        self.assertEqual(sink.get_dispatch(), Fapilog.SimpleSinkDispatch.WORKER)
        self.assertIsNone(sink.get_main_context())
        pipeline = start_pipeline(sink)
        log_all(pipeline, ['one', 'two', 'three'])
        # The worker calls Python while this thread is blocked in flush():
        # PyGObject releases the GIL around the call, or this would hang.
        self.assertTrue(pipeline.flush(10 * SECOND))
        self.assertEqual(sink.messages(), ['one', 'two', 'three'])
        self.assertEqual([e.lookup('data.i').unpack() for e in sink.entries], [0, 1, 2])
        self.assertEqual([e.get_logger_name() for e in sink.entries], ['app'] * 3)
        stats = pipeline.shutdown(10 * SECOND)
        self.assertEqual((sink.started, sink.stopped), (1, 1))
        self.assertEqual(stats.get_sink_written('rec'), 3)
        # start, the writes and stop ran on one thread: the worker.
        self.assertEqual(len(sink.threads), 1)
        self.assertNotIn(threading.get_ident(), sink.threads)

    def test_write_serialized(self):
        sink = SerializedSink(name='lines')
        pipeline = start_pipeline(sink)
        pipeline.get_logger('ser').log_variant(Fapilog.Level.ERROR, 'first', None)
        log_all(pipeline, ['second'], name='ser')
        self.assertTrue(pipeline.flush(10 * SECOND))
        self.assertEqual(sink.levels, ['ERROR', 'INFO'])
        self.assertTrue(all(line.endswith('\n') and line.count('\n') == 1 for line in sink.lines))
        parsed = [json.loads(line) for line in sink.lines]
        self.assertEqual([(p['level'], p['message'], p['logger']) for p in parsed],
                         [('ERROR', 'first', 'ser'), ('INFO', 'second', 'ser')])
        self.assertEqual(parsed[1]['data'], {'i': 0})
        stats = pipeline.shutdown(10 * SECOND)
        self.assertEqual(stats.get_sink_written('lines'), 2)

    def test_write_batch(self):
        sink = BatchSink(name='batches')
        # A long batch timeout: what is logged before a flush is one batch.
        pipeline = start_pipeline(sink, batch_timeout_seconds=60.0)
        log_all(pipeline, ['a', 'b', 'c'])
        self.assertTrue(pipeline.flush(10 * SECOND))
        with captured_stderr() as err:
            log_all(pipeline, ['x', 'fail', 'y'])
            self.assertTrue(pipeline.flush(10 * SECOND))
            stats = pipeline.shutdown(10 * SECOND)

        self.assertEqual(len(sink.batches), 1)
        entries, data = sink.batches[0]
        self.assertEqual([e.get_message() for e in entries], ['a', 'b', 'c'])
        lines = data.splitlines()
        self.assertEqual([json.loads(line)['message'] for line in lines], ['a', 'b', 'c'])
        self.assertEqual([json.loads(line)['context']['message_id'] for line in lines],
                         [e.get_message_id() for e in entries])
        # A failed batch fails every entry in it.
        self.assertEqual(stats.get_sink_written('batches'), 3)
        self.assertEqual(stats.get_sink_failed('batches'), 3)
        fallback = [json.loads(line)['message'] for line in err['text'].splitlines()
                    if line.startswith('{"timestamp"')]
        self.assertEqual(fallback, ['x', 'fail', 'y'])

    def test_failures_are_contained_and_counted(self):
        sink = FussySink(name='fussy')
        with captured_stderr() as err:
            pipeline = start_pipeline(sink)
            log_all(pipeline, ['ok1', 'raise', 'ok2', 'false', 'gerror', 'ok3'])
            self.assertTrue(pipeline.flush(10 * SECOND))
            log_all(pipeline, ['after'])
            stats = pipeline.shutdown(10 * SECOND)

        self.assertEqual(sink.messages(), ['ok1', 'ok2', 'ok3', 'after'])
        self.assertEqual(stats.get_sink_written('fussy'), 4)
        self.assertEqual(stats.get_sink_failed('fussy'), 3)
        # The failed entries, and only they, went to the stderr fallback.
        fallback = [json.loads(line) for line in err['text'].splitlines()
                    if line.startswith('{"timestamp"')]
        self.assertEqual([entry['message'] for entry in fallback], ['raise', 'false', 'gerror'])
        # The exception was printed, not lost.
        self.assertIn('ValueError: boom from python', err['text'])

    def test_failure_messages_in_diagnostics(self):
        sink = FussySink(name='diag')
        with captured_stderr() as err:
            pipeline = start_pipeline(sink, internal_logging_enabled=True)
            log_all(pipeline, ['gerror'])
            self.assertTrue(pipeline.flush(10 * SECOND))
            pipeline.shutdown(10 * SECOND)
        diagnostics = [json.loads(line) for line in err['text'].splitlines()
                       if line.startswith('{"ts"')]
        self.assertIn(('diag', 'refused by python'),
                      [(d.get('sink'), d.get('error')) for d in diagnostics])

    def test_failed_start(self):
        class NoStart(Recorder):
            def do_start(self):
                raise GLib.Error.new_literal(Gio.io_error_quark(), 'no such directory',
                                             Gio.IOErrorEnum.NOT_FOUND)

        pipeline = Fapilog.Pipeline.new(None)
        pipeline.add_sink(NoStart(name='nostart'))
        with self.assertRaises(GLib.Error) as raised:
            pipeline.start()
        self.assertTrue(raised.exception.matches(Fapilog.pipeline_error_quark(),
                                                 Fapilog.PipelineError.SINK_START))
        self.assertIn('no such directory', raised.exception.message)

    def test_health(self):
        class Health(Recorder):
            healthy = True

            def do_is_healthy(self):
                return self.healthy

        sink = Health(name='health')
        pipeline = start_pipeline(sink)
        self.assertTrue(pipeline.is_healthy())
        sink.healthy = False
        self.assertFalse(pipeline.is_healthy())
        pipeline.shutdown(10 * SECOND)

    def test_main_context_dispatch(self):
        # Methods in the main context of the thread that made the sink: here
        # the main thread, which never runs a loop in the first part; the
        # blocking pipeline calls run the sink's methods.
        sink = Recorder(name='ctx', dispatch=Fapilog.SimpleSinkDispatch.MAIN_CONTEXT)
        self.assertEqual(sink.get_main_context(), GLib.MainContext.default())
        pipeline = start_pipeline(sink)
        self.assertEqual(sink.started, 1)
        log_all(pipeline, ['one', 'two'])
        self.assertTrue(pipeline.flush(10 * SECOND))
        self.assertEqual(sink.messages(), ['one', 'two'])

        # And from a main loop, the usual way.
        log_all(pipeline, ['three'])
        loop = GLib.MainLoop()
        pipeline.flush_async(10 * SECOND, None, lambda p, r: (p.flush_finish(r), loop.quit()))
        loop.run()
        self.assertEqual(sink.messages(), ['one', 'two', 'three'])

        stats = pipeline.shutdown(10 * SECOND)
        self.assertEqual(sink.stopped, 1)
        self.assertEqual(stats.get_sink_written('ctx'), 3)
        self.assertEqual(sink.threads, {threading.get_ident()})


class AsyncInterfaceTest(unittest.TestCase):

    def test_async_vfuncs(self):
        sink = AsyncSink()
        with captured_stderr():
            pipeline = start_pipeline(sink)
            log_all(pipeline, ['a', 'fail', 'b'])
            self.assertTrue(pipeline.flush(10 * SECOND))
            stats = pipeline.shutdown(10 * SECOND)
        self.assertEqual(sink.messages, ['a', 'b'])
        self.assertEqual(sink.calls, ['start', 'write', 'write', 'write', 'stop'])
        self.assertEqual(stats.get_sink_written('py_async'), 2)
        self.assertEqual(stats.get_sink_failed('py_async'), 1)
        self.assertEqual(len(sink.threads), 1)
        self.assertNotIn(threading.get_ident(), sink.threads)


if __name__ == '__main__':
    unittest.main(verbosity=2)
