/* bench-common.c: helpers shared by the benchmark programs
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <sys/resource.h>
#include <sys/vfs.h>

#include <glib/gstdio.h>

#include "bench-common.h"

const char *
bench_value_s (guint64 i)
{
  static const char * const users[] = { "alice", "bobby", "carol", "dave_" };

  return users[i & 3];
}

/* ---- the null sink ------------------------------------------------------ */

struct _BenchNullSink
{
  GObject  parent_instance;

  /* Touched only on the pipeline's worker thread while it runs, read by
   * the main thread after shutdown has joined the worker. */
  guint64  entries;
  guint64  bytes;
  char    *first_line;
};

enum {
  PROP_0,
  PROP_NAME,
};

static void bench_null_sink_iface_init (FapilogSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BenchNullSink, bench_null_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FAPILOG_TYPE_SINK,
                                                      bench_null_sink_iface_init))

static void
bench_null_sink_write_batch_async (FapilogSink         *sink,
                                   FapilogBatch        *batch,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  BenchNullSink *self = BENCH_NULL_SINK (sink);
  GTask *task;
  const guint8 *data;
  gsize len = 0;

  data = fapilog_batch_get_data (batch, &len);
  if (G_UNLIKELY (self->first_line == NULL && len > 0))
    {
      const guint8 *nl = memchr (data, '\n', len);

      self->first_line = g_strndup ((const char *) data, nl != NULL ? (gsize) (nl - data) : len);
    }
  self->entries += fapilog_batch_get_n_entries (batch);
  self->bytes += len;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bench_null_sink_write_batch_async);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
bench_null_sink_write_batch_finish (FapilogSink   *sink,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
bench_null_sink_iface_init (FapilogSinkInterface *iface)
{
  iface->write_batch_async = bench_null_sink_write_batch_async;
  iface->write_batch_finish = bench_null_sink_write_batch_finish;
}

static void
bench_null_sink_finalize (GObject *object)
{
  BenchNullSink *self = BENCH_NULL_SINK (object);

  g_free (self->first_line);

  G_OBJECT_CLASS (bench_null_sink_parent_class)->finalize (object);
}

static void
bench_null_sink_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_static_string (value, "null");
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bench_null_sink_class_init (BenchNullSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bench_null_sink_finalize;
  object_class->get_property = bench_null_sink_get_property;

  g_object_class_override_property (object_class, PROP_NAME, "name");
}

static void
bench_null_sink_init (BenchNullSink *self)
{
}

FapilogSink *
bench_null_sink_new (void)
{
  return g_object_new (BENCH_TYPE_NULL_SINK, NULL);
}

guint64
bench_null_sink_get_entries (BenchNullSink *self)
{
  return self->entries;
}

guint64
bench_null_sink_get_bytes (BenchNullSink *self)
{
  return self->bytes;
}

const char *
bench_null_sink_get_first_line (BenchNullSink *self)
{
  return self->first_line;
}

/* ---- settings, machine, resources --------------------------------------- */

FapilogSettings *
bench_settings_new (FapilogOverflowPolicy policy,
                    guint                 max_queue_size,
                    guint                 batch_max_size)
{
  FapilogSettings *settings = fapilog_settings_new ();

  g_object_set (settings,
                "overflow-policy", policy,
                "backpressure-wait-ms", policy == FAPILOG_OVERFLOW_BLOCK ? -1 : 0,
                NULL);
  if (max_queue_size > 0)
    g_object_set (settings, "max-queue-size", max_queue_size, NULL);
  if (batch_max_size > 0)
    g_object_set (settings, "batch-max-size", batch_max_size, NULL);
  return settings;
}

guint64
bench_peak_rss_kib (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;
  return (guint64) usage.ru_maxrss;   /* KiB on Linux */
}

static char *
cpu_model (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL))
    return g_strdup ("unknown");
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "model name"))
        {
          const char *colon = strchr (lines[i], ':');

          if (colon != NULL)
            return g_strstrip (g_strdup (colon + 1));
        }
    }
  return g_strdup ("unknown");
}

void
bench_print_machine (void)
{
  g_autofree char *model = cpu_model ();

  g_print ("machine: %u CPUs (online), %s; GLib %u.%u.%u; fapilog %s\n",
           g_get_num_processors (), model,
           glib_major_version, glib_minor_version, glib_micro_version,
           FAPILOG_VERSION_S);
}

char **
bench_clean_environment (void)
{
  static const char * const distorting[] = { "MALLOC_CHECK_", "MALLOC_PERTURB_" };
  char **envp = g_get_environ ();
  g_auto(GStrv) names = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (distorting); i++)
    {
      const char *value = g_environ_getenv (envp, distorting[i]);

      if (value != NULL && *value != '\0' && strcmp (value, "0") != 0)
        g_printerr ("bench: %s=%s is set; unsetting it for the measured processes\n",
                    distorting[i], value);
      envp = g_environ_unsetenv (envp, distorting[i]);
    }

  /* The benchmarks configure their pipelines in code, but a stray
   * FAPILOG_* variable must not change what is measured either. */
  names = g_listenv ();
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_has_prefix (names[i], "FAPILOG_"))
        {
          g_printerr ("bench: ignoring %s from the environment\n", names[i]);
          envp = g_environ_unsetenv (envp, names[i]);
        }
    }
  return envp;
}

GHashTable *
bench_run_child (const char * const *args,
                 char              **envp)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *result;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "/proc/self/exe");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  /* stderr is inherited, so the child's diagnostics stay visible. */
  if (!g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT,
                     NULL, NULL, &out, NULL, &status, &error))
    {
      g_printerr ("bench: cannot run a child: %s\n", error->message);
      return NULL;
    }
  if (!g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("bench: child %s failed: %s\n", args[0], error->message);
      return NULL;
    }

  result = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *eq = strchr (lines[i], '=');

      if (eq == NULL)
        continue;
      g_hash_table_replace (result, g_strndup (lines[i], eq - lines[i]), g_strdup (eq + 1));
    }
  return result;
}

double
bench_result_double (GHashTable *result,
                     const char *key)
{
  const char *value = g_hash_table_lookup (result, key);

  return value != NULL ? g_ascii_strtod (value, NULL) : 0.0;
}

guint64
bench_result_u64 (GHashTable *result,
                  const char *key)
{
  const char *value = g_hash_table_lookup (result, key);

  return value != NULL ? g_ascii_strtoull (value, NULL, 10) : 0;
}

void
bench_report_u64 (const char *key,
                  guint64     value)
{
  g_print ("%s=%" G_GUINT64_FORMAT "\n", key, value);
}

void
bench_report_double (const char *key,
                     double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_print ("%s=%s\n", key, g_ascii_dtostr (buf, sizeof buf, value));
}

void
bench_report_string (const char *key,
                     const char *value)
{
  g_print ("%s=%s\n", key, value != NULL ? value : "");
}

void
bench_remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      g_unlink (file);
    }
  g_rmdir (path);
}

const char *
bench_fs_type_name (const char *path)
{
  struct statfs st;

  if (statfs (path, &st) != 0)
    return "unknown";
  switch ((unsigned long) st.f_type)
    {
    case 0xEF53UL: return "ext2/3/4";
    case 0x01021994UL: return "tmpfs";
    case 0x58465342UL: return "xfs";
    case 0x9123683EUL: return "btrfs";
    case 0x794C7630UL: return "overlayfs";
    default: return "other";
    }
}
