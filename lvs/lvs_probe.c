/* The checker's one question at start: does this kernel have IPVS?  Asked
 * through the same handle every other IPVS call uses, so "available" here
 * means vigil can really talk to it. */
#include "config.h"
#include "lvs_probe.h"
#include "lvs.h"

#include <stdio.h>

bool lvs_probe(char *version, size_t len)
{
	char why[128];
	struct lvs_handle *h = lvs_open(why, sizeof(why));

	if (!h) {
		snprintf(version, len, "%s", why);
		return false;
	}
	snprintf(version, len, "%s", lvs_version(h));
	lvs_close(h);
	return true;
}
