/* hello.vala: logging from Vala through the generated VAPI
 *
 * Logs a few entries through a pipeline into a rotating file in a new
 * temporary directory, shuts the pipeline down, reads the file back and
 * exits with status 1 unless every entry is there with its fields, bound
 * context, error and code location.
 *
 * Build: valac --pkg fapilog-1 --pkg json-glib-1.0 hello.vala
 *
 * SPDX-License-Identifier: MIT
 */

/* Checks one condition of the read-back; prints what failed. */
bool expect (bool condition, string what)
{
    if (!condition)
        printerr ("hello-vala: %s\n", what);
    return condition;
}

int main (string[] args)
{
    string dir;
    try {
        dir = DirUtils.make_tmp ("fapilog-vala-XXXXXX");
    } catch (FileError e) {
        printerr ("hello-vala: %s\n", e.message);
        return 1;
    }

    /* Settings from FAPILOG_* variables (here a list, not the process
     * environment); a bad value is a Fapilog.ConfigError naming it. */
    var settings = new Fapilog.Settings ();
    try {
        settings.apply_environment ({ "FAPILOG_CORE__LOG_LEVEL=loud" });
        printerr ("hello-vala: a bad level was accepted\n");
        return 1;
    } catch (Fapilog.ConfigError e) {
        print ("refused as expected: %s\n", e.message);
    } catch (Error e) {
        printerr ("hello-vala: unexpected error: %s\n", e.message);
        return 1;
    }
    try {
        settings.apply_environment ({ "FAPILOG_CORE__LOG_LEVEL=debug", "FAPILOG_SERVICE=vala-demo" });
    } catch (Error e) {
        printerr ("hello-vala: %s\n", e.message);
        return 1;
    }
    var pipeline = new Fapilog.Pipeline (settings);
    var sink = new Fapilog.RotatingFileSink (dir);
    pipeline.add_sink (sink);
    try {
        pipeline.start ();
    } catch (Error e) {
        printerr ("hello-vala: cannot start: %s\n", e.message);
        return 1;
    }

    /* Fields are an a{sv} dictionary: a VariantDict builds one. */
    var log = pipeline.get_logger ("vala");
    var login = new VariantDict ();
    login.insert_value ("user_id", new Variant.string ("u-1"));
    login.insert_value ("attempt", new Variant.int32 (3));
    log.log_variant (Fapilog.Level.INFO, "user login", login.end ());

    /* A bound logger adds its fields to every entry; log is unchanged. */
    var bound = new VariantDict ();
    bound.insert_value ("request_id", new Variant.string ("req-42"));
    var request = log.bind_variant (bound.end ());
    if (request.is_enabled (Fapilog.Level.DEBUG))
        request.log_variant (Fapilog.Level.DEBUG, "cache miss",
                             new Variant.parsed ("{'key': <'user:u-1'>}"));

    /* A GLib.Error becomes diagnostics.exception. */
    try {
        string contents;
        FileUtils.get_contents ("/nonexistent/fapilog/config.ini", out contents);
    } catch (FileError e) {
        request.log_error_variant (Fapilog.Level.ERROR, e, "cannot read configuration", null);
    }

    /* What the fapilog_info() family of C macros records, from Vala. */
    request.log_variant_full (Fapilog.Level.WARNING, "slow query",
                              new Variant.parsed ("{'ms': <812.5>}"),
                              null, Log.FILE, Log.LINE, Log.METHOD);

    var stats = pipeline.shutdown (5 * TimeSpan.SECOND);
    print ("%s\n", stats.to_json ());

    /* Read back what the sink wrote: one file, four JSON lines. */
    var lines = new GenericArray<Json.Object> ();
    bool ok = expect (stats.get_sink_written ("rotating_file") == 4, "not 4 entries written");
    try {
        var d = Dir.open (dir);
        for (unowned string? name = d.read_name (); name != null; name = d.read_name ()) {
            string path = Path.build_filename (dir, name);
            string text;
            FileUtils.get_contents (path, out text);
            foreach (unowned string line in text.split ("\n")) {
                if (line == "")
                    continue;
                var parser = new Json.Parser ();
                parser.load_from_data (line);
                lines.add (parser.get_root ().get_object ());
                print ("%s\n", line);
            }
            FileUtils.unlink (path);
        }
        DirUtils.remove (dir);
    } catch (Error e) {
        printerr ("hello-vala: cannot read the log back: %s\n", e.message);
        return 1;
    }

    if (!expect (lines.length == 4, "the file does not hold 4 entries"))
        return 1;
    var first = lines[0];
    ok &= expect (first.get_string_member ("message") == "user login", "wrong first message");
    ok &= expect (first.get_string_member ("logger") == "vala", "wrong logger name");
    ok &= expect (first.get_object_member ("diagnostics").get_string_member ("service") == "vala-demo",
                  "FAPILOG_SERVICE from the settings is not in the envelope");
    ok &= expect (first.get_object_member ("context").get_string_member ("user_id") == "u-1",
                  "user_id is not in the context");
    ok &= expect (first.get_object_member ("data").get_int_member ("attempt") == 3, "attempt is not 3");

    var miss = lines[1];
    ok &= expect (miss.get_string_member ("level") == "DEBUG", "the DEBUG entry is missing");
    ok &= expect (miss.get_object_member ("context").get_string_member ("request_id") == "req-42",
                  "the bound request_id is missing");

    var failure = lines[2];
    var exception = failure.get_object_member ("diagnostics").get_object_member ("exception");
    ok &= expect (exception != null && exception.get_string_member ("domain") == "g-file-error-quark",
                  "the GLib.Error was not recorded");

    var slow = lines[3];
    var origin = slow.get_object_member ("diagnostics").get_object_member ("origin");
    ok &= expect (origin != null && origin.get_string_member ("file").has_suffix ("hello.vala"),
                  "the code location was not recorded");
    ok &= expect (slow.get_object_member ("data").get_double_member ("ms") == 812.5, "ms is not 812.5");
    Fapilog.Level level;
    ok &= expect (Fapilog.Level.from_string (slow.get_string_member ("level"), out level) &&
                  level == Fapilog.Level.WARNING, "the level name does not parse");

    return ok ? 0 : 1;
}
