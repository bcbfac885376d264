/* Allocation that cannot fail: running out of memory is fatal for a
 * daemon whose state must stay consistent, so we stop loudly instead of
 * limping on with half-built objects. */
#ifndef VIGIL_XALLOC_H
#define VIGIL_XALLOC_H

#include <stdbool.h>
#include <stddef.h>

/* For allocations made elsewhere (open_memstream, ...): fails loudly. */
__attribute__((noreturn)) void xalloc_die(void);

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Makes the byte buffer *buf (capacity *cap) hold at least `need` bytes,
 * doubling from `initial`; returns the buffer. */
char *xgrow_bytes(char *buf, size_t *cap, size_t need, size_t initial);

/* A control message of `bytes` (its text, and the JSON tree it was made
 * from or parsed into) is done with: when it was large (64 KiB and more,
 * the status of a hundred real servers or more), the heap its tree spread
 * over is free but still resident; give it back to the kernel. */
void xalloc_release_after(size_t bytes);

#define XNEW(type) ((type *)xcalloc(1, sizeof(type)))

/* A growable array of pointers: append, index, free. */
struct ptr_array {
	void **items;
	size_t count, capacity;
};
void ptr_array_push(struct ptr_array *a, void *item);
void ptr_array_free(struct ptr_array *a, void (*free_item)(void *));
/* Gives back the unused slots of an array that is complete (it grows by
 * doubling from 2): for arrays that live as long as the process, such as
 * a real server's one or two checkers.  A later push grows it again. */
void ptr_array_fit(struct ptr_array *a);
/* Same length and items equal pairwise by `equal`. */
bool ptr_array_equal(const struct ptr_array *a, const struct ptr_array *b,
		     bool (*equal)(const void *x, const void *y));

#endif
