/* SPDX-License-Identifier: BSD-3-Clause */
#include "wheel.h"

#include <stdlib.h>

#define WHEEL_MASK (WHEEL_SLOTS - 1)

struct wheel_node {
	uint32_t next, prev; /* ids; 0 ends the list */
	uint32_t expiry;
	uint32_t armed;
};

struct wheel {
	uint32_t now; /* every slot up to this second has been visited */
	uint32_t max_id;
	uint32_t count;
	uint32_t head[WHEEL_SLOTS];
	struct wheel_node *n; /* [max_id + 1]; calloc keeps untouched pages unmapped */
};

struct wheel *
wheel_new(uint32_t max_id, uint32_t now)
{
	struct wheel *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->n = calloc((size_t)max_id + 1, sizeof(*w->n));
	if (w->n == NULL) {
		free(w);
		return NULL;
	}
	w->max_id = max_id;
	w->now = now;
	return w;
}

void
wheel_free(struct wheel *w)
{
	if (w == NULL)
		return;
	free(w->n);
	free(w);
}

static void
wheel_unlink(struct wheel *w, uint32_t id)
{
	struct wheel_node *x = &w->n[id];

	if (x->prev != 0)
		w->n[x->prev].next = x->next;
	else
		w->head[x->expiry & WHEEL_MASK] = x->next;
	if (x->next != 0)
		w->n[x->next].prev = x->prev;
	x->armed = 0;
	w->count--;
}

void
wheel_set(struct wheel *w, uint32_t id, uint32_t expiry)
{
	struct wheel_node *x;
	uint32_t slot;

	if (id == 0 || id > w->max_id)
		return;
	x = &w->n[id];
	if (x->armed)
		wheel_unlink(w, id);
	/* A time already past fires on the next advance: file it there. */
	if ((int32_t)(expiry - w->now) <= 0)
		expiry = w->now + 1;
	slot = expiry & WHEEL_MASK;
	x->expiry = expiry;
	x->prev = 0;
	x->next = w->head[slot];
	if (x->next != 0)
		w->n[x->next].prev = id;
	w->head[slot] = id;
	x->armed = 1;
	w->count++;
}

void
wheel_cancel(struct wheel *w, uint32_t id)
{
	if (id != 0 && id <= w->max_id && w->n[id].armed)
		wheel_unlink(w, id);
}

bool
wheel_armed(const struct wheel *w, uint32_t id)
{
	return id != 0 && id <= w->max_id && w->n[id].armed;
}

uint32_t
wheel_count(const struct wheel *w)
{
	return w->count;
}

unsigned int
wheel_advance(struct wheel *w, uint32_t now, void (*fire)(uint32_t id, void *arg), void *arg)
{
	unsigned int fired = 0;
	uint32_t steps, t;

	if ((int32_t)(now - w->now) <= 0)
		return 0;
	/* One revolution visits every slot: a longer jump (a suspended host)
	 * needs no more, since each slot then fires all it holds that is due. */
	steps = now - w->now;
	if (steps > WHEEL_SLOTS)
		steps = WHEEL_SLOTS;
	for (t = now - steps + 1; (int32_t)(t - now) <= 0; t++) {
		uint32_t id = w->head[t & WHEEL_MASK];

		while (id != 0) {
			uint32_t next = w->n[id].next;

			if ((int32_t)(w->n[id].expiry - now) <= 0) {
				wheel_unlink(w, id);
				fired++;
				fire(id, arg);
			}
			id = next;
		}
	}
	w->now = now;
	return fired;
}
