/* libcrypto (MD5 of HTTP bodies, HMAC-MD5 of VRRP's IPsec AH), loaded when
 * first needed: see lib/late_lib.h.  Include this instead of OpenSSL's
 * headers and call late_lib_load(&late_crypto, ...) before the first call. */
#ifndef VIGIL_LATE_CRYPTO_H
#define VIGIL_LATE_CRYPTO_H

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "lib/late_lib.h"

#define LATE_CRYPTO_SYMBOLS(X) \
	X(CRYPTO_memcmp) \
	X(EVP_DigestFinal_ex) \
	X(EVP_DigestInit_ex) \
	X(EVP_DigestUpdate) \
	X(EVP_MD_CTX_free) \
	X(EVP_MD_CTX_new) \
	X(EVP_md5) \
	X(HMAC)

LATE_LIB_DECLARE(late_crypto, LATE_CRYPTO_SYMBOLS);

#undef CRYPTO_memcmp
#define CRYPTO_memcmp late_crypto_fns.CRYPTO_memcmp
#undef EVP_DigestFinal_ex
#define EVP_DigestFinal_ex late_crypto_fns.EVP_DigestFinal_ex
#undef EVP_DigestInit_ex
#define EVP_DigestInit_ex late_crypto_fns.EVP_DigestInit_ex
#undef EVP_DigestUpdate
#define EVP_DigestUpdate late_crypto_fns.EVP_DigestUpdate
#undef EVP_MD_CTX_free
#define EVP_MD_CTX_free late_crypto_fns.EVP_MD_CTX_free
#undef EVP_MD_CTX_new
#define EVP_MD_CTX_new late_crypto_fns.EVP_MD_CTX_new
#undef EVP_md5
#define EVP_md5 late_crypto_fns.EVP_md5
#undef HMAC
#define HMAC late_crypto_fns.HMAC

#endif
