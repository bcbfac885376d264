/* Comparing a well-formed advert with what its instance expects.  The
 * RFCs treat these differences unlike malformed packets: some are
 * discarded, some only logged, and keepalived relaxes one of them, so they
 * are reported as flags for the instance to act on (see vrrp_packet.h). */
#include "config.h"
#include "vrrp_packet.h"

#include <string.h>
#include <sys/socket.h>

static size_t addr_size(int family)
{
	return family == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
}

static unsigned count_of(const union vrrp_ip *list, unsigned n, const union vrrp_ip *addr,
			 size_t size)
{
	unsigned count = 0;

	for (unsigned i = 0; i < n; i++)
		count += memcmp(&list[i], addr, size) == 0;
	return count;
}

/* Same addresses, in any order, each as many times. */
static bool same_addrs(const struct vrrp_advert *rx, const struct vrrp_expect *expect)
{
	size_t size = addr_size(rx->family);
	unsigned n = rx->naddrs;

	if (rx->family != expect->family || n != expect->naddrs)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (count_of(rx->addrs, n, &rx->addrs[i], size) !=
		    count_of(expect->addrs, n, &rx->addrs[i], size))
			return false;
	return true;
}

uint64_t vrrp_advert_interval_us(const struct vrrp_advert *adv)
{
	return adv->version == 2 ? adv->interval * 1000000ull : adv->interval * 10000ull;
}

unsigned vrrp_advert_check_against(const struct vrrp_advert *rx,
				   const struct vrrp_expect *expect)
{
	struct vrrp_advert mine = { .version = expect->version, .interval = expect->interval };
	unsigned found = 0;

	if (rx->vrid != expect->vrid)
		return VRRP_MISMATCH_VRID;
	if (expect->we_are_owner)
		found |= VRRP_MISMATCH_WE_ARE_OWNER;
	if (!same_addrs(rx, expect))
		found |= VRRP_MISMATCH_ADDRS;
	if (vrrp_advert_interval_us(rx) != vrrp_advert_interval_us(&mine))
		found |= VRRP_MISMATCH_INTERVAL;
	return found;
}

bool vrrp_mismatch_rfc_discards(unsigned mismatches, const struct vrrp_advert *rx)
{
	if (mismatches & (VRRP_MISMATCH_VRID | VRRP_MISMATCH_WE_ARE_OWNER))
		return true;
	if ((mismatches & VRRP_MISMATCH_INTERVAL) && rx->version == 2)
		return true;
	return (mismatches & VRRP_MISMATCH_ADDRS) && rx->priority != 255;
}
