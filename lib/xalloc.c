#include "config.h"
#include "xalloc.h"

#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xalloc_die(void)
{
	fputs("vigil: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		xalloc_die();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		xalloc_die();
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	void *q = reallocarray(p, n ? n : 1, size ? size : 1);

	if (!q)
		xalloc_die();
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		xalloc_die();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		xalloc_die();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		xalloc_die();
	va_end(ap);
	return p;
}

char *xgrow_bytes(char *buf, size_t *cap, size_t need, size_t initial)
{
	size_t grown = *cap ? *cap : initial;

	if (need <= *cap)
		return buf;
	while (grown < need)
		grown *= 2;
	*cap = grown;
	return xreallocarray(buf, grown, 1);
}

void ptr_array_push(struct ptr_array *a, void *item)
{
	if (a->count == a->capacity) {
		/* From 2: malloc's smallest chunk holds two pointers, so the
		 * one- or two-item arrays tens of thousands of real servers
		 * keep (their checkers) leave no splinter when fitted. */
		a->capacity = a->capacity ? a->capacity * 2 : 2;
		a->items = xreallocarray(a->items, a->capacity, sizeof(*a->items));
	}
	a->items[a->count++] = item;
}

void ptr_array_free(struct ptr_array *a, void (*free_item)(void *))
{
	if (free_item)
		for (size_t i = 0; i < a->count; i++)
			free_item(a->items[i]);
	free(a->items);
	a->items = NULL;
	a->count = a->capacity = 0;
}

bool ptr_array_equal(const struct ptr_array *a, const struct ptr_array *b,
		     bool (*equal)(const void *x, const void *y))
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (!equal(a->items[i], b->items[i]))
			return false;
	return true;
}

void ptr_array_fit(struct ptr_array *a)
{
	if (a->count == a->capacity)
		return;
	if (a->count == 0) {
		ptr_array_free(a, NULL);
		return;
	}
	a->items = xreallocarray(a->items, a->count, sizeof(*a->items));
	a->capacity = a->count;
}

/* Below this a message's memory is not worth a trim's walk of the heap.
 * A json-c tree takes about 14 times its text: the status of 1,000 real
 * servers, 724 KB of text, left 10 MB of free heap resident. */
#define XALLOC_RELEASE_MIN (64u * 1024u)

void xalloc_release_after(size_t bytes)
{
	if (bytes >= XALLOC_RELEASE_MIN)
		malloc_trim(0);
}
