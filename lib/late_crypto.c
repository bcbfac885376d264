/* The libcrypto table: see lib/late_crypto.h. */
#include "config.h"
#include "lib/late_crypto.h"

LATE_LIB_DEFINE(late_crypto, "libcrypto", CRYPTO_SONAME, LATE_CRYPTO_SYMBOLS);
