/* Reading configuration text: the public entry points, files and the
 * include stack, and the split of a file into physical lines.
 *
 * Each physical line has its comment removed and, unless it continues a
 * multi-line definition or is an include, goes to pp_line() (conf_pp.c),
 * which deals with conditions, definitions, sequences and substitution and
 * finally hands the line to the tokenizer. */
#include "config.h"
#include "conf_lex_impl.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static size_t lex_max_generated_override;
bool lex_relative_includes_only;

void conf_lex_set_max_generated_lines(size_t max_lines)
{
	lex_max_generated_override = max_lines;
}

void conf_lex_restrict_includes(bool relative_only)
{
	lex_relative_includes_only = relative_only;
}

void conf_default_config_id(char *buf, size_t len)
{
	struct utsname uts;
	char *dot;

	if (len == 0)
		return;
	if (uname(&uts) != 0 || uts.nodename[0] == '\0')
		snprintf(uts.nodename, sizeof(uts.nodename), "localhost");
	dot = strchr(uts.nodename, '.');
	if (dot)
		*dot = '\0';
	snprintf(buf, len, "%s", uts.nodename);
}

void conf_tokens_free(struct conf_tokens *t)
{
	for (size_t i = 0; i < t->count; i++)
		free(t->items[i].text);
	free(t->items);
	memset(t, 0, sizeof(*t));
}

struct lex_file *lex_current_file(struct lex *lx)
{
	return &lx->files[lx->nfiles - 1];
}

static void lex_init(struct lex *lx, const struct conf_read_options *opts,
		     struct conf_tokens *out, struct conf_diags *diags)
{
	memset(lx, 0, sizeof(*lx));
	lx->out = out;
	lx->diags = diags;
	if (opts && opts->config_id)
		snprintf(lx->config_id, sizeof(lx->config_id), "%s", opts->config_id);
	else
		conf_default_config_id(lx->config_id, sizeof(lx->config_id));
	lx->max_include_depth = opts && opts->max_include_depth ? opts->max_include_depth
								: LEX_DEFAULT_INCLUDE_DEPTH;
	lx->max_generated = lex_max_generated_override ? lex_max_generated_override
						       : LEX_DEFAULT_MAX_GENERATED;
	lx->random_state = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ 0x9e3779b97f4a7c15ull;
}

static void lex_finish(struct lex *lx)
{
	lex_defs_free(lx);
	free(lx->files);
	lx->files = NULL;
}

static void lex_push_file(struct lex *lx, const char *name, const char *dir, const char *pwd)
{
	struct lex_file *f;
	unsigned check = lx->nfiles ? lex_current_file(lx)->include_check : 0;

	if (lx->nfiles == lx->capfiles) {
		lx->capfiles = lx->capfiles ? lx->capfiles * 2 : 8;
		lx->files = xreallocarray(lx->files, lx->capfiles, sizeof(*lx->files));
	}
	f = &lx->files[lx->nfiles++];
	memset(f, 0, sizeof(*f));
	f->name = conf_intern_filename(name);
	f->dir = dir ? xstrdup(dir) : NULL;
	f->pwd = xstrdup(pwd);
	f->include_check = check;
}

static void lex_pop_file(struct lex *lx)
{
	struct lex_file *f = lex_current_file(lx);

	free(f->dir);
	free(f->pwd);
	lx->nfiles--;
}

/* One physical line (NUL-terminated, without its newline). */
static void lex_physical_line(struct lex *lx, char *line, size_t len, unsigned lineno)
{
	struct conf_where where = { lex_current_file(lx)->name, lineno };

	if (memchr(line, '\0', len)) {
		conf_diag_error(lx->diags, where, "NUL byte in line");
		for (size_t i = 0; i < len; i++)
			if (line[i] == '\0')
				line[i] = ' ';
	}
	lex_strip_comment(line);
	len = strlen(line);
	while (len > 0 && strchr(" \t\r\v\f", line[len - 1]))
		line[--len] = '\0';
	if (lx->pending) {
		pp_pending_add(lx, line);
		return;
	}
	if (lex_try_include(lx, line, where))
		return;
	pp_line(lx, line, where, 0);
}

/* Reads the text of the file on top of the include stack.  The text is
 * modified in place (lines are cut at their newlines). */
void lex_read_text(struct lex *lx, char *text, size_t len)
{
	unsigned lineno = 0;
	size_t pos = 0;

	while (pos < len) {
		char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		text[pos + n] = '\0';
		lex_physical_line(lx, text + pos, n, ++lineno);
		pos += n + 1;
	}
	if (lx->pending)
		pp_pending_finish(lx, true);
}

static bool read_whole_file(int fd, char **text, size_t *len, const char **why)
{
	struct lex_buf b = { 0 };
	/* Small on purpose: the pages of a 64 KiB stack buffer stay resident
	 * in every process for its whole life (each one parses the file). */
	char chunk[8192];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b.len + (size_t)n > LEX_MAX_FILE_BYTES) {
			*why = n < 0 ? strerror(errno) : "file is larger than 64 MiB";
			lex_buf_free(&b);
			return false;
		}
		lex_buf_add(&b, chunk, (size_t)n);
	}
	*text = b.s ? b.s : xstrdup("");
	*len = b.len;
	return true;
}

/* Directory of `path` as written (for relative includes) and absolute
 * (for ${_PWD}). */
static void path_dirs(const char *path, char **dir, char **pwd)
{
	char *copy = xstrdup(path);
	char real[PATH_MAX];

	*dir = xstrdup(dirname(copy));
	*pwd = realpath(*dir, real) ? xstrdup(real) : xstrdup(*dir);
	free(copy);
}

static bool lex_in_include_stack(struct lex *lx, const struct stat *st, struct conf_where from)
{
	for (size_t i = 0; i < lx->nfiles; i++) {
		struct lex_file *f = &lx->files[i];

		if (f->has_inode && f->dev == st->st_dev && f->ino == st->st_ino) {
			conf_diag_error(lx->diags, from, "include loop: %s is already being read",
					f->name);
			return true;
		}
	}
	return false;
}

/* Opens `path` for reading if it is a regular file that is not already
 * being read.  Devices and FIFOs are refused before they are opened:
 * opening some devices has side effects. */
static bool lex_open_checked(struct lex *lx, const char *path, struct conf_where from,
			     bool quiet_errors, int *fd, struct stat *st)
{
	enum conf_level level = quiet_errors ? CONF_WARNING : CONF_ERROR;
	const char *why = NULL;

	*fd = -1;
	if (stat(path, st) != 0)
		why = strerror(errno);
	else if (!S_ISREG(st->st_mode))
		why = "not a regular file";
	else if ((*fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0 || fstat(*fd, st) != 0)
		why = strerror(errno);
	if (why) {
		conf_diag_add(lx->diags, level, from, "cannot read %s: %s", path, why);
		if (*fd >= 0)
			close(*fd);
		return false;
	}
	if (lex_in_include_stack(lx, st, from)) {
		close(*fd);
		return false;
	}
	return true;
}

/* Reads the file at `path` (and what it includes).  `from` is where it was
 * named (the include line, or just the file for the main one).  Problems
 * opening it are warnings when `quiet_errors` (plain include). */
bool lex_read_path(struct lex *lx, const char *path, struct conf_where from, bool quiet_errors)
{
	struct stat st;
	const char *why = NULL;
	char *text, *dir, *pwd;
	size_t len;
	int fd;

	if (!lex_open_checked(lx, path, from, quiet_errors, &fd, &st))
		return false;
	if (!read_whole_file(fd, &text, &len, &why)) {
		conf_diag_error(lx->diags, from, "cannot read %s: %s", path, why);
		close(fd);
		return false;
	}
	close(fd);
	path_dirs(path, &dir, &pwd);
	lex_push_file(lx, path, dir, pwd);
	lex_current_file(lx)->has_inode = true;
	lex_current_file(lx)->dev = st.st_dev;
	lex_current_file(lx)->ino = st.st_ino;
	free(dir);
	free(pwd);
	lex_read_text(lx, text, len);
	lex_pop_file(lx);
	free(text);
	return true;
}

bool conf_read_file(const char *path, const struct conf_read_options *opts,
		    struct conf_tokens *out, struct conf_diags *diags)
{
	unsigned errors = diags->errors;
	struct conf_where where = { conf_intern_filename(path), 0 };
	struct lex lx;

	lex_init(&lx, opts, out, diags);
	lex_read_path(&lx, path, where, false);
	lex_finish(&lx);
	return diags->errors == errors;
}

bool conf_read_string(const char *name, const char *text, size_t len,
		      const struct conf_read_options *opts,
		      struct conf_tokens *out, struct conf_diags *diags)
{
	unsigned errors = diags->errors;
	char cwd[PATH_MAX];
	char *copy = xmalloc(len + 1);
	struct lex lx;

	memcpy(copy, text, len);
	copy[len] = '\0';
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), ".");
	lex_init(&lx, opts, out, diags);
	lex_push_file(&lx, name, NULL, cwd);
	lex_read_text(&lx, copy, len);
	lex_pop_file(&lx);
	lex_finish(&lx);
	free(copy);
	return diags->errors == errors;
}
