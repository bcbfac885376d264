/* Is a script command line usable, and safe to run as the user it runs as?
 *
 * Notify scripts, VRRP track scripts, MISC_CHECK scripts and the start-up
 * and shutdown scripts all go through script_check() when the configuration
 * is checked, so every module agrees on the rules:
 *
 *  - the command line is split like a shell would (quotes removed, `\`
 *    escapes honoured) and its first word is the program;
 *  - the program is an absolute path, or a bare name found on PATH;
 *  - it exists, is a regular file, and the run-as user may execute it
 *    (execute bit for that user, search permission on every directory);
 *  - when it runs as root it must not be replaceable by anyone else: the
 *    file and every directory on its path (as written and as resolved
 *    through symlinks) must be owned by root, not group-writable unless the
 *    group is root, and not world-writable (a world-writable directory is
 *    tolerated when sticky, as /tmp is, provided the entry in it is root's).
 *
 * An unusable program is an error.  An unsafe one is an error when
 * enable_script_security is on (the script would be disabled) and a warning
 * suggesting the option otherwise.  Host checks (the file system) only run
 * when the policy says so; without them only the syntax is checked. */
#ifndef VIGIL_SCRIPT_CHECK_H
#define VIGIL_SCRIPT_CHECK_H

#include "conf_diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Who a script runs as and how strict to be.  Modules get the global
 * default from global_script_policy() (daemon/global_conf.h) and may
 * override uid/gid/user_name for a script with its own "user [group]". */
struct script_check_policy {
	uid_t uid;
	gid_t gid;
	const char *user_name;    /* for supplementary groups and messages; NULL: none */
	bool script_security;     /* enable_script_security */
	bool check_host;          /* look at the file system (vigild -t, start-up) */
};

/* Why a script was refused; names in script_check_result_names[]. */
enum script_check_result {
	SCRIPT_CHECK_OK,
	SCRIPT_CHECK_EMPTY,           /* no program in the command line */
	SCRIPT_CHECK_BAD_QUOTING,     /* unterminated quote or trailing '\' */
	SCRIPT_CHECK_NOT_FOUND,       /* absolute path missing, or name not on PATH */
	SCRIPT_CHECK_NOT_REGULAR,     /* a directory, device, ... */
	SCRIPT_CHECK_NOT_EXECUTABLE,  /* the run-as user may not execute it */
	SCRIPT_CHECK_UNSAFE,          /* runs as root but others can replace it */
	SCRIPT_CHECK_RESULT_COUNT
};
extern const char *const script_check_result_names[SCRIPT_CHECK_RESULT_COUNT];

/* Checks `cmdline` (the whole command line, arguments included) and adds
 * any problem to `diags` at `where` as "KEYWORD: ...".  Returns true when
 * the script may be run: always when only a warning (or nothing) was
 * reported, false when it must be disabled. */
bool script_check(const char *cmdline, const char *keyword, struct conf_where where,
		  const struct script_check_policy *policy, struct conf_diags *diags);

/* The same checks without diagnostics: the outcome, the program path as
 * resolved (into path_out, may be NULL) and a sentence saying why (into
 * why_out, may be NULL; empty when OK). */
enum script_check_result script_check_inspect(const char *cmdline,
					      const struct script_check_policy *policy,
					      char *path_out, size_t path_len,
					      char *why_out, size_t why_len);

/* Shell-like splitting of a command line into words (quotes removed,
 * backslash escapes honoured).  Returns a NULL-terminated, newly allocated
 * argv (free with script_argv_free), or NULL on bad quoting. */
char **script_split_argv(const char *cmdline);
void script_argv_free(char **argv);

/* Resolves "user [group]" (group NULL: the user's primary group).  On
 * failure returns false with a message in err ("user 'x' does not exist"). */
bool script_resolve_user(const char *user, const char *group, uid_t *uid, gid_t *gid,
			 char *err, size_t err_len);

#endif
