/* sink.vala: a sink written in Vala
 *
 * MemorySink implements Fapilog.Sink with the methods it needs and no
 * others: write_batch_async keeps each batch's JSON lines, stop_async
 * records that the pipeline stopped it. Every method of the interface is
 * optional except that a sink must have one of the three writes. The
 * methods run on the pipeline's worker thread; Vala's async methods are
 * the _async/_finish pairs of the C interface.
 *
 * main() logs through it, flushes, checks the lines, shuts down and checks
 * the counters; it exits with status 1 on any mismatch.
 *
 * Build: valac --pkg fapilog-1 sink.vala
 *
 * SPDX-License-Identifier: MIT
 */

public class MemorySink : Object, Fapilog.Sink {
    /* The interface's read-only name property keys the sink's counters. */
    public string name { get { return "memory"; } }

    /* Touched on the worker thread, read by main() after a flush. */
    private Mutex mutex = Mutex ();
    private string[] received = {};
    public bool stopped { get; private set; default = false; }

    public async bool write_batch_async (Fapilog.Batch batch, Cancellable? cancellable) throws Error {
        /* One buffer, every entry's JSON line ending in '\n'. */
        unowned uint8[] data = batch.get_data ();
        string text = ((string) data).substring (0, data.length);

        mutex.lock ();
        foreach (unowned string line in text.split ("\n")) {
            if (line != "")
                received += line;
        }
        mutex.unlock ();
        return true;
    }

    public async bool stop_async (Cancellable? cancellable) throws Error {
        stopped = true;
        return true;
    }

    public string[] dup_lines () {
        mutex.lock ();
        var copy = received;
        mutex.unlock ();
        return copy;
    }
}

int main (string[] args)
{
    var sink = new MemorySink ();
    var pipeline = new Fapilog.Pipeline (null);
    pipeline.add_sink (sink);

    try {
        pipeline.start ();
        var log = pipeline.get_logger ("vala-sink");
        for (int i = 0; i < 3; i++)
            log.log_variant (Fapilog.Level.INFO, "item", new Variant.parsed ("{'n': <%i>}", i));
        pipeline.flush (5 * TimeSpan.SECOND);
    } catch (Error e) {
        printerr ("sink-vala: %s\n", e.message);
        return 1;
    }

    var lines = sink.dup_lines ();
    bool ok = lines.length == 3;
    for (int i = 0; ok && i < lines.length; i++) {
        print ("%s\n", lines[i]);
        ok = "\"message\":\"item\"" in lines[i] && "\"n\":%d".printf (i) in lines[i];
    }

    var stats = pipeline.shutdown (5 * TimeSpan.SECOND);
    ok = ok && stats.get_sink_written ("memory") == 3 && stats.get_sink_failed ("memory") == 0 &&
         sink.stopped && !sink.is_buffering ();
    if (!ok)
        printerr ("sink-vala: the sink did not receive exactly the 3 entries logged\n%s\n",
                  stats.to_json ());
    return ok ? 0 : 1;
}
