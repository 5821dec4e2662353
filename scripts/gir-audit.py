#!/usr/bin/env python3
# gir-audit.py: lists the places in a built Fapilog-1.0.gir whose
# introspection annotations are likely missing or wrong.
#
#   scripts/gir-audit.py BUILD/introspection/Fapilog-1.0.gir [SOURCE_DIR]
#
# The GIR says what g-ir-scanner understood; the C sources (fapilog/*.c and
# sinks/*.c under SOURCE_DIR, default: this checkout) say what the code
# accepts and returns. A finding is a hint to read the function, not proof:
#
#   nullable?     a pointer argument that is neither (nullable) nor checked
#                 with g_return_*_if_fail, so NULL may well be accepted; or
#                 one whose check lets NULL through (`x == NULL || ...`)
#   returns NULL  a pointer return that is not (nullable) although the body
#                 has a `return NULL;` outside its argument checks (not for
#                 functions that throw: NULL with an error set is the norm)
#   optional?     an (out) argument the body tests against NULL that is not
#                 (optional)
#   cancellable   a GCancellable that is not (nullable)
#   scope         a callback argument without (scope ...)
#   element-type  a GPtrArray/GList/GSList/GHashTable/GArray without one
#   array         a guint8/gconstpointer/void buffer or a char** that is not
#                 an (array ...)
#   out           a pointer to a scalar that is not (out) or (inout)
#   gpointer      an untyped pointer that is not a closure's user data
#   varargs       a function that is not introspectable (varargs or va_list);
#                 each must have a twin named in TWINS below
#   since/doc     a symbol without `Since:` (version) or without documentation
#
# Exit status: 0 when nothing is found, 1 otherwise (2 on bad usage).
#
# SPDX-License-Identifier: MIT

import os
import re
import sys
import xml.etree.ElementTree as ET

NS = {
    "core": "http://www.gtk.org/introspection/core/1.0",
    "c": "http://www.gtk.org/introspection/c/1.0",
    "glib": "http://www.gtk.org/introspection/glib/1.0",
}
C_TYPE = "{%s}type" % NS["c"]
C_IDENT = "{%s}identifier" % NS["c"]

# Each C-only API and the introspectable function that does the same.
TWINS = {
    "fapilog_logger_log": "fapilog_logger_log_variant",
    "fapilog_logger_log_valist": "fapilog_logger_log_variant",
    "fapilog_logger_log_error": "fapilog_logger_log_error_variant",
    "fapilog_logger_log_full": "fapilog_logger_log_variant_full",
    "fapilog_logger_bind": "fapilog_logger_bind_variant",
    "fapilog_settings_set_from_source": "fapilog_settings_set_property_from_source",
}

# Function-like macros the scanner sees in the version header; not API calls.
IGNORED_MACROS = {"FAPILOG_CHECK_VERSION", "FAPILOG_DEPRECATED_FOR", "FAPILOG_ENCODE_VERSION"}

CONTAINERS = {"GLib.PtrArray", "GLib.List", "GLib.SList", "GLib.HashTable", "GLib.Array"}
SCALARS = re.compile(r"^(const )?(g?u?int(8|16|32|64)?|gsize|gssize|gboolean|gdouble|double|"
                     r"gfloat|float|glong|gulong|long|gshort|gushort|gchar|guchar|"
                     r"Fapilog[A-Za-z]+(Level|Policy|Error|Mode|Format|Kind))\*$")
BUFFERS = re.compile(r"^(const )?(guint8|gchar|char|void|gconstpointer|gpointer|guchar)\*$")


def load_bodies(source_dir):
    """Maps each C function name defined at the start of a line to its body."""
    bodies = {}
    for sub in ("fapilog", "sinks"):
        folder = os.path.join(source_dir, sub)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".c"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            for m in re.finditer(r"^([a-z_][a-z0-9_]*) \(([^)]*)\)\s*\n\{\n(.*?)\n\}\n",
                                 text, re.S | re.M):
                bodies[m.group(1)] = m.group(3)
    return bodies


def checks_in(body, bodies=None):
    """The argument checks in a body (g_return_*_if_fail), and, one level
    down, those of the fapilog functions it calls (a thin wrapper passes its
    arguments on to a function that checks them)."""
    checks = re.findall(r"g_return(?:_val)?_if_fail\s*\((.*?)\);", body, re.S)
    if bodies is not None:
        for callee in set(re.findall(r"\b(_?fapilog_[a-z0-9_]+)\s*\(", body)):
            checks.append(checks_in(bodies.get(callee, "")))
    return " ".join(checks)


def returns_null(body):
    without_checks = re.sub(r"g_return(?:_val)?_if_fail\s*\(.*?\);", "", body, flags=re.S)
    return re.search(r"\breturn\s+NULL\s*;", without_checks) is not None


def type_of(node):
    t = node.find("core:type", NS)
    a = node.find("core:array", NS)
    return t, a


def ctype_of(node):
    t, a = type_of(node)
    el = t if t is not None else a
    if el is None:
        return None
    return (el.get(C_TYPE) or "").replace(" *", "*").strip()


def where(node, kind, owner):
    name = node.get(C_IDENT) or node.get("name")
    return "%s %s%s" % (kind, owner + "." if owner and not node.get(C_IDENT) else "", name)


def audit_callable(node, kind, owner, bodies, findings):
    label = where(node, kind, owner)
    ident = node.get(C_IDENT)
    if ident in IGNORED_MACROS:
        return
    body = bodies.get(ident, "") if ident else ""
    checks = checks_in(body, bodies)
    is_c_function = kind in ("function", "method", "constructor")

    if node.get("introspectable") == "0" and kind != "function-macro":
        twin = TWINS.get(ident)
        if twin is None:
            findings.append((label, "varargs", "not introspectable and no twin is known"))
        elif twin not in bodies:
            findings.append((label, "varargs", "its twin %s does not exist" % twin))
        return

    if kind in ("function", "method", "constructor", "virtual-method", "callback", "signal"):
        if node.get("version") is None and kind not in ("callback",) and owner != "SinkInterface":
            findings.append((label, "since", "no Since:"))
        documented = node.find("core:doc", NS) is not None or \
            node.find("core:return-value/core:doc", NS) is not None or \
            node.find("core:parameters/*/core:doc", NS) is not None
        if not documented and owner != "SinkInterface":
            findings.append((label, "doc", "no documentation"))

    params = node.find("core:parameters", NS)
    plist = [] if params is None else list(params)
    closures = set()
    for p in plist:
        if p.get("closure") is not None:
            closures.add(int(p.get("closure")))
    names = [p.get("name") for p in plist]

    for i, p in enumerate(plist):
        if p.tag == "{%s}instance-parameter" % NS["core"]:
            continue
        name = p.get("name")
        if name == "...":
            continue
        ctype = ctype_of(p)
        t, a = type_of(p)
        tname = t.get("name") if t is not None else None
        nullable = p.get("nullable") == "1" or p.get("optional") == "1" or p.get("allow-none") == "1"
        direction = p.get("direction", "in")
        if ctype is None:
            continue
        if ctype.endswith("GError**"):
            continue

        if tname == "Gio.Cancellable" and not nullable:
            findings.append((label, "cancellable", "%s is not (nullable)" % name))
            continue

        if p.get("scope") is None and t is not None and tname in (
                "Gio.AsyncReadyCallback",) or (t is not None and tname and
                                                tname.endswith("Factory") and p.get("scope") is None):
            findings.append((label, "scope", "%s has no (scope ...)" % name))

        if tname in CONTAINERS and (t is None or t.find("core:type", NS) is None):
            findings.append((label, "element-type", "%s (%s) has no element type" % (name, tname)))

        if a is None and BUFFERS.match(ctype) and tname not in ("utf8", "filename"):
            if not (ctype in ("gpointer", "gconstpointer") and (i in closures or name.endswith("user_data"))):
                findings.append((label, "array" if ctype not in ("gpointer",) else "gpointer",
                                 "%s (%s) is %s" % (name, ctype, tname)))
        if a is None and ctype in ("char**", "const char**", "gchar**", "const char* const*") \
                and direction == "in":
            findings.append((label, "array", "%s (%s) is not an (array)" % (name, ctype)))

        if direction == "in" and SCALARS.match(ctype) and a is None:
            findings.append((label, "out", "%s (%s) is not (out)" % (name, ctype)))
        if (direction == "out" and p.get("optional") != "1" and body
                and re.search(r"\b%s\s*!=\s*NULL|if\s*\(\s*%s\s*\)" % (name, name), body)):
            findings.append((label, "optional?", "%s is (out) and NULL is accepted, but not (optional)"
                             % name))

        if (direction == "in" and ctype.endswith("*") and not nullable and is_c_function
                and tname not in ("GLib.DestroyNotify",) and i not in closures
                and not (tname or "").endswith("Callback") and not (tname or "").endswith("Factory")):
            if name not in checks:
                findings.append((label, "nullable?", "%s (%s) is neither (nullable) nor checked"
                                 % (name, ctype)))
            elif re.search(r"\b%s\s*==\s*NULL\s*\|\|" % re.escape(name), checks_in(body)):
                findings.append((label, "nullable?", "%s (%s) may be NULL by its check, but is not "
                                 "(nullable)" % (name, ctype)))

    rv = node.find("core:return-value", NS)
    if rv is not None and is_c_function:
        ctype = ctype_of(rv) or ""
        t, a = type_of(rv)
        tname = t.get("name") if t is not None else None
        if tname in CONTAINERS and (t is None or t.find("core:type", NS) is None):
            findings.append((label, "element-type", "return value (%s) has no element type" % tname))
        if a is None and BUFFERS.match(ctype) and tname not in ("utf8", "filename"):
            findings.append((label, "array", "return value (%s) is %s" % (ctype, tname)))
        if a is None and ctype in ("char**", "gchar**"):
            findings.append((label, "array", "return value (%s) is not an (array)" % ctype))
        # A function that throws may return NULL with the error set.
        if (ctype.endswith("*") and rv.get("nullable") != "1" and node.get("throws") != "1"
                and body and returns_null(body)):
            findings.append((label, "returns NULL", "may return NULL but is not (nullable)"))


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: %s Fapilog-1.0.gir [SOURCE_DIR]\n" % argv[0])
        return 2
    source_dir = argv[2] if len(argv) > 2 else os.path.join(os.path.dirname(__file__), "..")
    bodies = load_bodies(source_dir)
    root = ET.parse(argv[1]).getroot()
    namespace = root.find("core:namespace", NS)
    findings = []

    for fn in namespace.findall("core:function", NS):
        audit_callable(fn, "function", None, bodies, findings)
    for fn in namespace.findall("core:function-macro", NS):
        audit_callable(fn, "function-macro", None, bodies, findings)
    for cb in namespace.findall("core:callback", NS):
        audit_callable(cb, "callback", None, bodies, findings)
    for kind in ("class", "interface", "record", "enumeration", "bitfield"):
        for owner in namespace.findall("core:" + kind, NS):
            oname = owner.get("name")
            for tag, label in (("constructor", "constructor"), ("method", "method"),
                               ("function", "function"), ("virtual-method", "virtual-method"),
                               ("glib:signal", "signal")):
                for fn in owner.findall(tag.replace("glib:", "glib:") if ":" in tag else "core:" + tag, NS):
                    audit_callable(fn, label, oname, bodies, findings)
            for field in owner.findall("core:field", NS):
                cb = field.find("core:callback", NS)
                if cb is not None:
                    audit_callable(cb, "callback", oname, bodies, findings)

    # Types, properties and constants need a Since: as much as functions do.
    for kind in ("class", "interface", "record", "enumeration", "bitfield", "constant", "callback"):
        for node in namespace.findall("core:" + kind, NS):
            name = node.get("name")
            if kind == "record" and node.get("{%s}is-gtype-struct-for" % NS["glib"]):
                continue
            if node.get("version") is None:
                findings.append(("%s %s" % (kind, name), "since", "no Since:"))
            for prop in node.findall("core:property", NS):
                if prop.get("version") is None:
                    findings.append(("property %s:%s" % (name, prop.get("name")), "since", "no Since:"))
            for sig in node.findall("glib:signal", NS):
                if sig.get("version") is None:
                    findings.append(("signal %s::%s" % (name, sig.get("name")), "since", "no Since:"))

    seen = set()
    unique = []
    for f in findings:
        if f not in seen:
            seen.add(f)
            unique.append(f)
    findings = unique
    for label, kind, text in findings:
        print("%-58s %-13s %s" % (label, kind, text))
    sys.stdout.flush()
    print("%d finding(s)" % len(findings), file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
