/* Result texts kept once each and counted (see check_text.h): an open
 * addressing table (linear probing), freed with its last entry. */
#include "config.h"
#include "checker/check_text.h"
#include "strutil.h"
#include "xalloc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct shared_text {
	unsigned refs;
	uint32_t hash;
	char s[];
};

static struct {
	struct shared_text **slots;
	size_t capacity, used;          /* capacity: 0 or a power of two */
} texts;

static uint32_t text_hash(const char *s)
{
	return (uint32_t)str_fnv1a64(s, STR_FNV1A64_BASIS);
}

static size_t text_find_slot(const char *s, uint32_t hash)
{
	size_t mask = texts.capacity - 1, i = hash & mask;

	while (texts.slots[i] && (texts.slots[i]->hash != hash || strcmp(texts.slots[i]->s, s)))
		i = (i + 1) & mask;
	return i;
}

static void texts_grow(void)
{
	struct shared_text **old = texts.slots;
	size_t old_capacity = texts.capacity;

	texts.capacity = old_capacity ? 2 * old_capacity : 64;
	texts.slots = xcalloc(texts.capacity, sizeof(*texts.slots));
	for (size_t i = 0; i < old_capacity; i++)
		if (old[i])
			texts.slots[text_find_slot(old[i]->s, old[i]->hash)] = old[i];
	free(old);
}

char *check_text_get(const char *s)
{
	uint32_t hash = text_hash(s);
	size_t len = strlen(s), i;
	struct shared_text *t;

	if (2 * (texts.used + 1) > texts.capacity)
		texts_grow();
	i = text_find_slot(s, hash);
	if (!texts.slots[i]) {
		t = xmalloc(offsetof(struct shared_text, s) + len + 1);
		t->refs = 0;
		t->hash = hash;
		memcpy(t->s, s, len + 1);
		texts.slots[i] = t;
		texts.used++;
	}
	texts.slots[i]->refs++;
	return texts.slots[i]->s;
}

/* Empties slot i, moving back the entries of its probe run that would
 * no longer be found past the hole. */
static void texts_remove_at(size_t i)
{
	size_t mask = texts.capacity - 1, j = i;

	texts.slots[i] = NULL;
	for (;;) {
		j = (j + 1) & mask;
		if (!texts.slots[j])
			break;
		size_t home = texts.slots[j]->hash & mask;
		bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);

		if (stays)
			continue;
		texts.slots[i] = texts.slots[j];
		texts.slots[j] = NULL;
		i = j;
	}
}

void check_text_put(char *s)
{
	struct shared_text *t;
	size_t i;

	if (!s)
		return;
	t = (struct shared_text *)(s - offsetof(struct shared_text, s));
	if (--t->refs)
		return;
	i = text_find_slot(t->s, t->hash);
	if (texts.slots[i] == t)
		texts_remove_at(i);
	free(t);
	if (--texts.used == 0) {
		free(texts.slots);
		texts.slots = NULL;
		texts.capacity = 0;
	}
}
