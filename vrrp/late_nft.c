/* The libnftables table: see vrrp/late_nft.h. */
#include "config.h"
#include "vrrp/late_nft.h"

LATE_LIB_DEFINE(late_nft, "libnftables", NFT_SONAME, LATE_NFT_SYMBOLS);
