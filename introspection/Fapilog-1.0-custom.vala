/* Fapilog-1.0-custom.vala: declarations vapigen cannot derive from the GIR
 *
 * Passed to vapigen with Fapilog-1.0.gir; what is declared here replaces
 * the GIR's version of the same symbol (skipped in Fapilog-1.0.metadata).
 *
 * SPDX-License-Identifier: MIT
 */
namespace Fapilog {
	public sealed class Settings : GLib.Object {
		/* envp is a `const char * const *`. vapigen 0.56 drops the C type
		 * of an array argument, so valac would pass a `char **` and the C
		 * compiler would warn, or refuse with
		 * -Werror=incompatible-pointer-types (the default from GCC 14). */
		[Version (since = "1.0")]
		public bool apply_environment ([CCode (array_length = false, array_null_terminated = true, type = "const char * const *")] string[]? envp) throws GLib.Error;
	}
}
