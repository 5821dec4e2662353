// test_sink.js: a pipeline with sinks written in JavaScript (GJS), against
// the typelib in the build directory. Any failed check throws, and GJS
// exits non-zero.
//
// SPDX-License-Identifier: MIT

imports.gi.versions.Fapilog = '1.0';
const {Fapilog, GLib, GObject} = imports.gi;

const SECOND = 1000000;
let checks = 0;

function check(condition, what) {
    checks++;
    if (!condition)
        throw new Error(`check failed: ${what}`);
}

function checkEqual(actual, expected, what) {
    const a = JSON.stringify(actual), e = JSON.stringify(expected);
    check(a === e, `${what}: got ${a}, expected ${e}`);
}

// GJS code must run on the thread of its JS context: the sinks run in this
// thread's main context (MAIN_CONTEXT), never on the worker.
const Recorder = GObject.registerClass(
class Recorder extends Fapilog.SimpleSink {
    _init(params) {
        super._init({dispatch: Fapilog.SimpleSinkDispatch.MAIN_CONTEXT, ...params});
        this.entries = [];
        this.started = 0;
        this.stopped = 0;
    }

    vfunc_start() {
        this.started++;
        return true;
    }

    vfunc_write(entry) {
        const message = entry.get_message();
        if (message === 'throw')
            throw new Error('thrown by JavaScript');
        if (message === 'gerror')
            throw new GLib.Error(Fapilog.sink_error_quark(), Fapilog.SinkError.CLOSED, 'closed by JS');
        if (message === 'false')
            return false;
        // GJS holds no reference on the entry after the call: keep what is
        // needed, or entry.ref(), which GJS then owns.
        this.entries.push(entry.ref());
        return true;
    }

    vfunc_stop() {
        this.stopped++;
        return true;
    }
});

const LineSink = GObject.registerClass(
class LineSink extends Fapilog.SimpleSink {
    _init(params) {
        super._init({dispatch: Fapilog.SimpleSinkDispatch.MAIN_CONTEXT, ...params});
        this.lines = [];
    }

    vfunc_write_serialized(view) {
        this.lines.push(new TextDecoder().decode(view.get_data()));
        return true;
    }
});

function fields(values) {
    return new GLib.Variant('a{sv}', values);
}

const settings = new Fapilog.Settings({batch_timeout_seconds: 0.01, internal_logging_enabled: false});
const recorder = new Recorder({name: 'js'});
const lines = new LineSink({name: 'js_lines'});
checkEqual(recorder.get_dispatch(), Fapilog.SimpleSinkDispatch.MAIN_CONTEXT, 'dispatch');
check(recorder.get_main_context() !== null, 'a main context was captured');

const pipeline = Fapilog.Pipeline.new(settings);
pipeline.add_sink(recorder);
pipeline.add_sink(lines);
// Blocking calls from this thread run the sinks' methods while they wait.
pipeline.start();
checkEqual(recorder.started, 1, 'started');

const log = pipeline.get_logger('js-app').bind_variant(fields({svc: new GLib.Variant('s', 'web')}));
Fapilog.context_set_correlation_id('corr-js');
log.log_variant(Fapilog.Level.WARNING, 'user login', fields({
    user: new GLib.Variant('s', 'ada'),
    attempt: new GLib.Variant('i', 3),
    ratio: new GLib.Variant('d', 0.5),
    ok: new GLib.Variant('b', true),
    tags: new GLib.Variant('as', ['x', 'y']),
}));
Fapilog.context_set_correlation_id(null);
for (const message of ['throw', 'gerror', 'false', 'last'])
    log.log_variant(Fapilog.Level.INFO, message, null);

check(pipeline.flush(10 * SECOND), 'flush');

checkEqual(recorder.entries.map(e => e.get_message()), ['user login', 'last'], 'messages');
const [first, last] = recorder.entries;
checkEqual(first.get_level_name(), 'WARNING', 'level');
checkEqual(first.get_logger_name(), 'js-app', 'logger');
checkEqual(first.get_correlation_id(), 'corr-js', 'correlation id');
checkEqual(first.lookup('data.user').deepUnpack(), 'ada', 'string field');
checkEqual(first.lookup('data.attempt').get_type_string(), 'x', 'integers are 64-bit');
checkEqual(first.lookup('data.attempt').deepUnpack(), 3, 'integer field');
checkEqual(first.lookup('data.ratio').deepUnpack(), 0.5, 'double field');
checkEqual(first.lookup('data.ok').deepUnpack(), true, 'boolean field');
checkEqual(first.lookup('data.tags').deepUnpack(), ['x', 'y'], 'array field');
checkEqual(first.lookup('data.svc').deepUnpack(), 'web', 'bound field');
checkEqual(JSON.parse(first.to_json()).data,
    {svc: 'web', user: 'ada', attempt: 3, ratio: 0.5, ok: true, tags: ['x', 'y']}, 'envelope data');
checkEqual(last.get_correlation_id(), null, 'context cleared');

// The byte path: every entry's JSON line, failures of the other sink
// notwithstanding.
checkEqual(lines.lines.map(l => JSON.parse(l).message),
    ['user login', 'throw', 'gerror', 'false', 'last'], 'serialized lines');
check(lines.lines.every(l => l.endsWith('\n')), 'lines end in a newline');

// From a main loop: the sink's methods run from it, the flush completes in it.
log.log_variant(Fapilog.Level.ERROR, 'from the loop', null);
const loop = new GLib.MainLoop(null, false);
let flushed = null;
pipeline.flush_async(10 * SECOND, null, (source, result) => {
    flushed = source.flush_finish(result);
    loop.quit();
});
loop.run();
checkEqual(flushed, true, 'flush_async');
checkEqual(recorder.entries.map(e => e.get_message()), ['user login', 'last', 'from the loop'],
    'messages after the loop');

const stats = pipeline.shutdown(10 * SECOND);
checkEqual(recorder.stopped, 1, 'stopped');
checkEqual(stats.get_sink_written('js'), 3, 'written');
checkEqual(stats.get_sink_failed('js'), 3, 'failed: throw, gerror, false');
checkEqual(stats.get_sink_written('js_lines'), 6, 'lines written');

// A sink that fails to start makes start() throw.
const NoStart = GObject.registerClass(
class NoStart extends Recorder {
    vfunc_start() {
        throw new Error('cannot open');
    }
});
const broken = Fapilog.Pipeline.new(settings);
broken.add_sink(new NoStart({name: 'nostart'}));
let startError = null;
try {
    broken.start();
} catch (e) {
    startError = e;
}
check(startError !== null && startError.matches(Fapilog.pipeline_error_quark(),
    Fapilog.PipelineError.SINK_START), 'start fails');
check(startError.message.includes('cannot open'), 'with the sink\'s message');

print(`ok: ${checks} checks`);
