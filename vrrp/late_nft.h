/* libnftables (no_accept's filter), loaded only when a non-owner master
 * has to drop packets for its VIPs: see lib/late_lib.h. */
#ifndef VIGIL_LATE_NFT_H
#define VIGIL_LATE_NFT_H

#include <nftables/libnftables.h>

#include "lib/late_lib.h"

#define LATE_NFT_SYMBOLS(X) \
	X(nft_ctx_buffer_error) \
	X(nft_ctx_buffer_output) \
	X(nft_ctx_free) \
	X(nft_ctx_get_error_buffer) \
	X(nft_ctx_new) \
	X(nft_run_cmd_from_buffer)

LATE_LIB_DECLARE(late_nft, LATE_NFT_SYMBOLS);

#undef nft_ctx_buffer_error
#define nft_ctx_buffer_error late_nft_fns.nft_ctx_buffer_error
#undef nft_ctx_buffer_output
#define nft_ctx_buffer_output late_nft_fns.nft_ctx_buffer_output
#undef nft_ctx_free
#define nft_ctx_free late_nft_fns.nft_ctx_free
#undef nft_ctx_get_error_buffer
#define nft_ctx_get_error_buffer late_nft_fns.nft_ctx_get_error_buffer
#undef nft_ctx_new
#define nft_ctx_new late_nft_fns.nft_ctx_new
#undef nft_run_cmd_from_buffer
#define nft_run_cmd_from_buffer late_nft_fns.nft_run_cmd_from_buffer

#endif
