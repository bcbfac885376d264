/* Script command lines: splitting, finding the program, and deciding
 * whether it is usable and safe for the user it runs as.  See
 * script_check.h for the rules. */
#include "config.h"

#include "script_check.h"
#include "xalloc.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const script_check_result_names[SCRIPT_CHECK_RESULT_COUNT] = {
	[SCRIPT_CHECK_OK] = "ok",
	[SCRIPT_CHECK_EMPTY] = "empty",
	[SCRIPT_CHECK_BAD_QUOTING] = "bad-quoting",
	[SCRIPT_CHECK_NOT_FOUND] = "not-found",
	[SCRIPT_CHECK_NOT_REGULAR] = "not-regular",
	[SCRIPT_CHECK_NOT_EXECUTABLE] = "not-executable",
	[SCRIPT_CHECK_UNSAFE] = "unsafe",
};

/* Used when the environment has no PATH, as a shell would. */
#define SCRIPT_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* ---- splitting ---------------------------------------------------------- */

struct word_buf {
	char *text;
	size_t len;
};

static void word_add(struct word_buf *w, char c)
{
	w->text[w->len++] = c;
	w->text[w->len] = '\0';
}

/* Reads one word starting at *pos (not white space) into w; returns false
 * on bad quoting.  Single quotes are literal; inside double quotes a
 * backslash escapes only \ " $ and `, as in the shell. */
static bool split_one_word(const char **pos, struct word_buf *w)
{
	const char *s = *pos;
	char quote = 0;

	for (; *s && (quote || (*s != ' ' && *s != '\t')); s++) {
		if (quote == '\'') {
			if (*s == '\'')
				quote = 0;
			else
				word_add(w, *s);
		} else if (*s == '\\') {
			if (!s[1])
				return false;
			if (quote == '"' && !strchr("\\\"$`", s[1]))
				word_add(w, *s);
			word_add(w, *++s);
		} else if (*s == quote) {
			quote = 0;
		} else if (!quote && (*s == '\'' || *s == '"')) {
			quote = *s;
		} else {
			word_add(w, *s);
		}
	}
	*pos = s;
	return quote == 0;
}

char **script_split_argv(const char *cmdline)
{
	struct ptr_array words = { 0 };
	const char *s = cmdline;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		struct word_buf w = { .text = xcalloc(1, strlen(s) + 1) };
		ptr_array_push(&words, w.text);
		if (!split_one_word(&s, &w)) {
			ptr_array_free(&words, free);
			return NULL;
		}
	}
	ptr_array_push(&words, NULL);
	return (char **)words.items;
}

void script_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

/* ---- users -------------------------------------------------------------- */

bool script_resolve_user(const char *user, const char *group, uid_t *uid, gid_t *gid,
			 char *err, size_t err_len)
{
	struct passwd *pw = getpwnam(user);

	if (!pw) {
		snprintf(err, err_len, "user '%s' does not exist", user);
		return false;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (!group)
		return true;
	struct group *gr = getgrnam(group);
	if (!gr) {
		snprintf(err, err_len, "group '%s' does not exist", group);
		return false;
	}
	*gid = gr->gr_gid;
	return true;
}

/* Whether the run-as user is in group `gid` (primary or supplementary). */
static bool user_in_group(const struct script_check_policy *policy, gid_t gid)
{
	if (gid == policy->gid)
		return true;
	const char *name = policy->user_name;
	struct passwd *pw = name ? NULL : getpwuid(policy->uid);
	if (pw)
		name = pw->pw_name;
	if (!name)
		return false;

	gid_t groups[256];
	int n = (int)(sizeof(groups) / sizeof(groups[0]));
	if (getgrouplist(name, policy->gid, groups, &n) < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* The mode bits (of `want`, given as the "other" bits) that apply to the
 * run-as user.  Root may execute anything with any execute bit, and
 * search any directory. */
static bool user_may(const struct script_check_policy *policy, const struct stat *st,
		     mode_t want, bool is_exec_of_file)
{
	if (policy->uid == 0)
		return !is_exec_of_file || (st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH));
	if (st->st_uid == policy->uid)
		return st->st_mode & (want << 6);
	if (user_in_group(policy, st->st_gid))
		return st->st_mode & (want << 3);
	return st->st_mode & want;
}

static const char *user_label(const struct script_check_policy *policy, char *buf, size_t len)
{
	struct passwd *pw = policy->user_name ? NULL : getpwuid(policy->uid);
	const char *name = policy->user_name ? policy->user_name : pw ? pw->pw_name : NULL;

	if (name)
		snprintf(buf, len, "user '%s'", name);
	else
		snprintf(buf, len, "uid %u", (unsigned)policy->uid);
	return buf;
}

/* ---- finding the program ------------------------------------------------ */

static bool is_executable_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

/* Looks a bare name up on PATH: the first executable regular file wins,
 * else the first entry that exists at all (so the error says why). */
static bool search_path(const char *name, char *out, size_t out_len)
{
	const char *path = getenv("PATH");
	char *dirs = xstrdup(path && *path ? path : SCRIPT_DEFAULT_PATH);
	char *save = NULL;
	bool found = false;

	out[0] = '\0';
	for (char *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char candidate[PATH_MAX];
		if (dir[0] != '/' || snprintf(candidate, sizeof(candidate), "%s/%s", dir, name)
				     >= (int)sizeof(candidate))
			continue;
		if (is_executable_file(candidate)) {
			snprintf(out, out_len, "%s", candidate);
			found = true;
			break;
		}
		if (!out[0] && access(candidate, F_OK) == 0)
			snprintf(out, out_len, "%s", candidate);
	}
	free(dirs);
	return found || out[0];
}

/* ---- the checks --------------------------------------------------------- */

struct inspection {
	const struct script_check_policy *policy;
	char path[PATH_MAX];
	char *why;
	size_t why_len;
};

static enum script_check_result fail(struct inspection *in, enum script_check_result r,
				     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static enum script_check_result fail(struct inspection *in, enum script_check_result r,
				     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(in->why, in->why_len, fmt, ap);
	va_end(ap);
	return r;
}

/* Why a non-root user could replace or modify `entry` (NULL if nobody can). */
static const char *replaceable_by_others(const struct stat *st, char *buf, size_t len)
{
	bool dir = S_ISDIR(st->st_mode);
	bool sticky = dir && (st->st_mode & S_ISVTX);

	if (st->st_uid != 0)
		snprintf(buf, len, "is owned by uid %u, not root", (unsigned)st->st_uid);
	else if ((st->st_mode & S_IWGRP) && st->st_gid != 0 && !sticky)
		snprintf(buf, len, "is writable by group %u", (unsigned)st->st_gid);
	else if ((st->st_mode & S_IWOTH) && !sticky)
		snprintf(buf, len, "is world-writable");
	else
		return NULL;
	return buf;
}

static enum script_check_result check_entry_safe(struct inspection *in, const char *entry)
{
	struct stat st;
	char reason[96];

	if (lstat(entry, &st) != 0 || !replaceable_by_others(&st, reason, sizeof(reason)))
		return SCRIPT_CHECK_OK;
	return fail(in, SCRIPT_CHECK_UNSAFE, "%s runs as root but %s %s", in->path, entry, reason);
}

/* Walks "/", "/a", "/a/b", ... of an absolute, symlink-free path. */
static enum script_check_result check_chain_safe(struct inspection *in, const char *resolved)
{
	enum script_check_result r = check_entry_safe(in, "/");
	char prefix[PATH_MAX];

	for (const char *s = resolved + 1; r == SCRIPT_CHECK_OK && *s; s++) {
		if (s[1] != '/' && s[1] != '\0')
			continue;
		size_t plen = (size_t)(s + 1 - resolved);
		memcpy(prefix, resolved, plen);
		prefix[plen] = '\0';
		r = check_entry_safe(in, prefix);
	}
	return r;
}

/* Root scripts: the program as resolved, and the directories holding the
 * name as written (a symlink there can be swapped for another). */
static enum script_check_result check_safe(struct inspection *in)
{
	char resolved[PATH_MAX];
	enum script_check_result r;

	if (realpath(in->path, resolved) == NULL)
		return fail(in, SCRIPT_CHECK_NOT_FOUND, "%s: %s", in->path, strerror(errno));
	r = check_chain_safe(in, resolved);
	if (r != SCRIPT_CHECK_OK)
		return r;

	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", in->path);
	char *slash = strrchr(dir, '/');
	slash[slash == dir ? 1 : 0] = '\0';
	if (realpath(dir, resolved) == NULL)
		return SCRIPT_CHECK_OK;
	return check_chain_safe(in, resolved);
}

/* Every directory above the program must be searchable by the user. */
static enum script_check_result check_dirs_searchable(struct inspection *in)
{
	char prefix[PATH_MAX];
	char label[64];

	for (const char *s = strchr(in->path + 1, '/'); s; s = strchr(s + 1, '/')) {
		size_t plen = (size_t)(s - in->path);
		memcpy(prefix, in->path, plen);
		prefix[plen] = '\0';
		struct stat st;
		if (stat(prefix, &st) == 0 && !user_may(in->policy, &st, S_IXOTH, false))
			return fail(in, SCRIPT_CHECK_NOT_EXECUTABLE, "directory %s is not searchable by %s",
				    prefix, user_label(in->policy, label, sizeof(label)));
	}
	return SCRIPT_CHECK_OK;
}

static enum script_check_result check_program(struct inspection *in)
{
	struct stat st;
	char label[64];

	if (stat(in->path, &st) != 0)
		return fail(in, SCRIPT_CHECK_NOT_FOUND, "%s: %s", in->path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(in, SCRIPT_CHECK_NOT_REGULAR, "%s is not a regular file", in->path);
	enum script_check_result r = check_dirs_searchable(in);
	if (r != SCRIPT_CHECK_OK)
		return r;
	if (!user_may(in->policy, &st, S_IXOTH, true))
		return fail(in, SCRIPT_CHECK_NOT_EXECUTABLE, "%s is not executable by %s", in->path,
			    user_label(in->policy, label, sizeof(label)));
	if (in->policy->uid == 0)
		return check_safe(in);
	return SCRIPT_CHECK_OK;
}

/* Fills in->path from the first word: absolute as is, bare names via PATH. */
static enum script_check_result locate_program(struct inspection *in, const char *program)
{
	if (program[0] == '/') {
		if (snprintf(in->path, sizeof(in->path), "%s", program) >= (int)sizeof(in->path))
			return fail(in, SCRIPT_CHECK_NOT_FOUND, "program path is too long");
		return SCRIPT_CHECK_OK;
	}
	if (strchr(program, '/'))
		return fail(in, SCRIPT_CHECK_NOT_FOUND,
			    "'%s' is a relative path; give the program's absolute path", program);
	if (!in->policy->check_host) {
		snprintf(in->path, sizeof(in->path), "%s", program);
		return SCRIPT_CHECK_OK;
	}
	if (!search_path(program, in->path, sizeof(in->path)))
		return fail(in, SCRIPT_CHECK_NOT_FOUND, "'%s' not found on PATH", program);
	return SCRIPT_CHECK_OK;
}

enum script_check_result script_check_inspect(const char *cmdline,
					      const struct script_check_policy *policy,
					      char *path_out, size_t path_len,
					      char *why_out, size_t why_len)
{
	char why_buf[PATH_MAX + 128];
	struct inspection in = { .policy = policy, .why = why_out ? why_out : why_buf,
				 .why_len = why_out ? why_len : sizeof(why_buf) };
	enum script_check_result r;

	in.why[0] = '\0';
	char **argv = script_split_argv(cmdline ? cmdline : "");
	if (!argv)
		r = fail(&in, SCRIPT_CHECK_BAD_QUOTING, "unterminated quote or trailing '\\' in '%s'",
			 cmdline);
	else if (!argv[0] || !argv[0][0])
		r = fail(&in, SCRIPT_CHECK_EMPTY, "no program given");
	else
		r = locate_program(&in, argv[0]);
	if (r == SCRIPT_CHECK_OK && policy->check_host)
		r = check_program(&in);
	if (path_out && path_len)
		snprintf(path_out, path_len, "%s", in.path);
	script_argv_free(argv);
	return r;
}

bool script_check(const char *cmdline, const char *keyword, struct conf_where where,
		  const struct script_check_policy *policy, struct conf_diags *diags)
{
	char why[PATH_MAX + 128];
	enum script_check_result r = script_check_inspect(cmdline, policy, NULL, 0, why, sizeof(why));

	if (r == SCRIPT_CHECK_OK)
		return true;
	if (r != SCRIPT_CHECK_UNSAFE) {
		conf_diag_error(diags, where, "%s: %s", keyword, why);
		return false;
	}
	if (policy->script_security) {
		conf_diag_error(diags, where, "%s: %s; enable_script_security refuses to run it",
				keyword, why);
		return false;
	}
	conf_diag_warning(diags, where,
			  "%s: %s; set enable_script_security to refuse unsafe scripts", keyword, why);
	return true;
}
