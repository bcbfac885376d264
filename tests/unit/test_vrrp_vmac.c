/* The VMAC's pure parts: the RFC 5798 7.3 MACs of each family, a
 * configured MAC of 5 octets (VRID appended) or 6, default names, and
 * the setup names table. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "vrrp/vrrp_vmac.h"

static void test_rfc_mac_ipv4(void **state)
{
	static const uint8_t want[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33 };
	uint8_t mac[6];

	(void)state;
	vrrp_vmac_mac(AF_INET, 51, NULL, 0, mac);
	assert_memory_equal(mac, want, 6);
}

static void test_rfc_mac_ipv6(void **state)
{
	static const uint8_t want[6] = { 0x00, 0x00, 0x5e, 0x00, 0x02, 0xff };
	uint8_t mac[6];

	(void)state;
	vrrp_vmac_mac(AF_INET6, 255, NULL, 0, mac);
	assert_memory_equal(mac, want, 6);
}

static void test_configured_five_octets_take_the_vrid(void **state)
{
	static const uint8_t conf[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x99 };
	static const uint8_t want[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x07 };
	uint8_t mac[6];

	(void)state;
	vrrp_vmac_mac(AF_INET, 7, conf, 5, mac);
	assert_memory_equal(mac, want, 6);
}

static void test_configured_six_octets_as_given(void **state)
{
	static const uint8_t conf[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x99 };
	uint8_t mac[6];

	(void)state;
	vrrp_vmac_mac(AF_INET6, 7, conf, 6, mac);
	assert_memory_equal(mac, conf, 6);
}

static void test_default_names(void **state)
{
	char name[16];

	(void)state;
	vrrp_vmac_default_name(NULL, 51, name, sizeof(name));
	assert_string_equal(name, "vrrp.51");
	vrrp_vmac_default_name("vr", 255, name, sizeof(name));
	assert_string_equal(name, "vr.255");
}

static void test_setup_names_complete(void **state)
{
	(void)state;
	for (int i = 0; i < VRRP_VMAC_SETUP_COUNT; i++)
		assert_non_null(vrrp_vmac_setup_names[i]);
	assert_string_equal(vrrp_vmac_setup_names[VRRP_VMAC_REUSED], "reused");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_mac_ipv4),
		cmocka_unit_test(test_rfc_mac_ipv6),
		cmocka_unit_test(test_configured_five_octets_take_the_vrid),
		cmocka_unit_test(test_configured_six_octets_as_given),
		cmocka_unit_test(test_default_names),
		cmocka_unit_test(test_setup_names_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
