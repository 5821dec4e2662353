// custom_sink.js: a fapilog sink written in JavaScript (GJS).
//
// Fapilog.SimpleSink turns plain methods into a sink: vfunc_write gets each
// entry. GJS code must run on the thread of its JS context, so the sink
// asks for MAIN_CONTEXT dispatch: its methods run in this thread's main
// context — from the main loop, or from inside start(), flush() and
// shutdown() when they are called from this thread. Return true, or throw
// (or return false) to have the entry counted as failed.
//
// Run it against an uninstalled build with
//   GI_TYPELIB_PATH=build/introspection LD_LIBRARY_PATH=build/fapilog \
//     gjs examples/gjs/custom_sink.js
//
// SPDX-License-Identifier: MIT

imports.gi.versions.Fapilog = '1.0';
const {Fapilog, GLib, GObject} = imports.gi;
const System = imports.system;

const TextSink = GObject.registerClass(
class TextSink extends Fapilog.SimpleSink {
    _init() {
        super._init({name: 'text', dispatch: Fapilog.SimpleSinkDispatch.MAIN_CONTEXT});
        this.lines = [];
    }

    vfunc_write(entry) {
        // The entry is only valid during the call: keep strings, not it.
        const data = JSON.parse(entry.to_json()).data;
        const fields = Object.entries(data).map(([key, value]) => ` ${key}=${value}`).join('');
        this.lines.push(`${entry.get_level_name()} ${entry.get_logger_name()}: ${entry.get_message()}${fields}`);
        return true;
    }
});

const sink = new TextSink();
const pipeline = Fapilog.Pipeline.new(null);
pipeline.add_sink(sink);
pipeline.start();

const log = pipeline.get_logger('shop');
log.log_variant(Fapilog.Level.INFO, 'order placed', new GLib.Variant('a{sv}', {
    order: new GLib.Variant('s', 'A-17'), items: new GLib.Variant('i', 3)}));
log.bind_variant(new GLib.Variant('a{sv}', {order: new GLib.Variant('s', 'A-17')}))
    .log_variant(Fapilog.Level.WARNING, 'payment retried', null);

const stats = pipeline.shutdown(5 * 1000000);   // microseconds
print(sink.lines.join('\n'));

// The example checks itself, so that the test suite can run it.
const expected = ['INFO shop: order placed order=A-17 items=3',
    'WARNING shop: payment retried order=A-17'];
if (JSON.stringify(sink.lines) !== JSON.stringify(expected) ||
    stats.get_sink_written('text') !== 2) {
    printerr(`unexpected output or counts: ${stats.to_json()}`);
    System.exit(1);
}
