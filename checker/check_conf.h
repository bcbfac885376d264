/* The LVS side of the configuration: virtual_server_group, virtual_server,
 * real_server, sorry_server, the health checkers and the SSL block.
 *
 * These are plain config structs: what the file said, range-checked.  The
 * checker process builds its runtime objects (IPVS services, running
 * checks) from them.  Settings a virtual server, real server and checker
 * can each give live in struct check_defaults; an unset one inherits from
 * the level above (virtual server -> real server -> checker), and
 * check_checker_effective() resolves the chain with the built-in defaults. */
#ifndef VIGIL_CHECK_CONF_H
#define VIGIL_CHECK_CONF_H

#include "conf_diag.h"
#include "conf_parse.h"
#include "conf_value.h"
#include "vigil_config.h"
#include "xalloc.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config_load_options;

/* ---- enums, each with a name table (the configuration's spelling) ---- */

enum check_protocol { CHECK_PROTO_TCP, CHECK_PROTO_UDP, CHECK_PROTO_SCTP, CHECK_PROTO_COUNT };
extern const char *const check_protocol_names[];

enum check_sched {
	CHECK_SCHED_RR, CHECK_SCHED_WRR, CHECK_SCHED_LC, CHECK_SCHED_WLC, CHECK_SCHED_LBLC,
	CHECK_SCHED_LBLCR, CHECK_SCHED_DH, CHECK_SCHED_SH, CHECK_SCHED_MH, CHECK_SCHED_SED,
	CHECK_SCHED_NQ, CHECK_SCHED_FO, CHECK_SCHED_OVF, CHECK_SCHED_TWOS, CHECK_SCHED_COUNT
};
extern const char *const check_sched_names[];

/* Scheduler flags (ipvsadm -b); bits of check_vs_config.sched_flags. */
enum check_sched_flag {
	CHECK_SCHED_F_HASHED, CHECK_SCHED_F_FLAG1, CHECK_SCHED_F_FLAG2, CHECK_SCHED_F_FLAG3,
	CHECK_SCHED_F_SH_PORT, CHECK_SCHED_F_SH_FALLBACK, CHECK_SCHED_F_MH_PORT,
	CHECK_SCHED_F_MH_FALLBACK, CHECK_SCHED_F_COUNT
};
extern const char *const check_sched_flag_names[];

enum check_fwd_method { CHECK_FWD_NAT, CHECK_FWD_DR, CHECK_FWD_TUN, CHECK_FWD_COUNT };
extern const char *const check_fwd_method_names[];
enum check_tunnel_type { CHECK_TUN_IPIP, CHECK_TUN_GUE, CHECK_TUN_GRE, CHECK_TUN_COUNT };
extern const char *const check_tunnel_type_names[];
enum check_tunnel_csum { CHECK_CSUM_DEFAULT, CHECK_CSUM_NOCSUM, CHECK_CSUM_CSUM,
			 CHECK_CSUM_REMCSUM, CHECK_CSUM_COUNT };
extern const char *const check_tunnel_csum_names[];   /* [DEFAULT] is NULL */

enum check_type {
	CHECK_TYPE_TCP, CHECK_TYPE_HTTP_GET, CHECK_TYPE_SSL_GET, CHECK_TYPE_SMTP,
	CHECK_TYPE_DNS, CHECK_TYPE_UDP, CHECK_TYPE_PING, CHECK_TYPE_MISC, CHECK_TYPE_FILE,
	CHECK_TYPE_COUNT
};
extern const char *const check_type_names[];   /* "TCP_CHECK", "HTTP_GET", ... */

enum check_http_protocol { CHECK_HTTP_1_0, CHECK_HTTP_1_0C, CHECK_HTTP_1_1, CHECK_HTTP_COUNT };
extern const char *const check_http_protocol_names[];

enum check_dns_type { CHECK_DNS_A, CHECK_DNS_NS, CHECK_DNS_CNAME, CHECK_DNS_SOA, CHECK_DNS_MX,
		      CHECK_DNS_TXT, CHECK_DNS_AAAA, CHECK_DNS_COUNT };
extern const char *const check_dns_type_names[];

/* The regex_options a url{} accepts (bits of check_url_config.regex_options). */
extern const char *const check_regex_option_names[];

/* ---- building blocks ---- */

/* An LVS forwarding method: lvs_method NAT|DR|TUN [type ipip|gue port N|gre] [csum...]. */
struct check_fwd {
	bool set;                       /* false: inherit (real server) or NAT */
	enum check_fwd_method method;
	enum check_tunnel_type tunnel;
	uint16_t tunnel_port;           /* GUE only */
	enum check_tunnel_csum csum;
};

/* A script with the user it runs as: KEYWORD CMD [USER [GROUP]]. */
struct check_script {
	char *command;
	char *user, *group;             /* NULL: the global script_user */
	struct conf_where where;
};

/* Which fields of struct check_defaults the file gave. */
enum check_defaults_bit {
	CHECK_SET_CONNECT_TIMEOUT = 1u << 0,
	CHECK_SET_DELAY_LOOP = 1u << 1,
	CHECK_SET_DELAY_BEFORE_RETRY = 1u << 2,
	CHECK_SET_WARMUP = 1u << 3,
	CHECK_SET_RETRY = 1u << 4,
	CHECK_SET_ALPHA = 1u << 5,
	CHECK_SET_INHIBIT = 1u << 6,
	CHECK_SET_LOG_ALL_FAILURES = 1u << 7,
	CHECK_SET_RISE = 1u << 8,
	CHECK_SET_FALL = 1u << 9,
};

/* Settings inherited virtual server -> real server -> checker.  It is the
 * FIRST member of check_vs_config, check_rs_config and check_checker_config,
 * so one keyword table serves all three levels. */
struct check_defaults {
	unsigned set;                   /* CHECK_SET_* */
	uint64_t connect_timeout_us, delay_loop_us, delay_before_retry_us, warmup_us;
	uint32_t retry;
	uint32_t rise, fall;            /* vigil extension (HAProxy-style), 1..100 */
	bool alpha, inhibit_on_failure, log_all_failures;
	char *virtualhost;              /* NULL: inherit */
};

/* ---- virtual_server_group ---- */

enum check_vsg_kind { CHECK_VSG_ADDR, CHECK_VSG_FWMARK };

/* One line of a group: an address, an address range or a fwmark. */
struct check_vsg_entry {
	enum check_vsg_kind kind;
	struct vigil_addr first, last;  /* equal for a single address */
	bool has_port;
	uint16_t port;
	uint32_t fwmark;
	int family;                     /* fwmark: AF_INET/AF_INET6 or AF_UNSPEC */
	struct conf_where where;
};

struct check_vsg_config {
	char *name;
	struct ptr_array entries;       /* struct check_vsg_entry * */
	struct conf_where where;
};

/* ---- health checkers ---- */

struct check_status_range { uint16_t low, high; };

/* After the checks, checkers whose url lists are equal share the url
 * objects (check_config_check): a thousand real servers with the same
 * url { path / } keep one.  Every field but the two `where`s (which
 * only the checks use) is compared, so a new field goes into
 * check_url_equal() too. */
struct check_url_config {
	unsigned refs;                  /* checkers holding it beyond the first */
	struct conf_where where;
	char *path;
	char *digest;                   /* MD5, 32 hex digits */
	struct conf_where digest_where;
	struct check_status_range *status;  /* none: 200-299 */
	size_t n_status;
	char *virtualhost;
	char *regex;
	bool regex_no_match;
	unsigned regex_options;         /* bits indexed by check_regex_option_names */
	uint32_t regex_stack_start, regex_stack_max;   /* 0: the library default */
	uint32_t regex_min_offset, regex_max_offset;   /* max 0: no limit */
};

struct check_checker_config {
	struct check_defaults defaults;   /* must stay first, see check_defaults */
	struct conf_where where;
	enum check_type type;
	unsigned refs;                    /* real servers sharing it beyond the first
					   * (check_conf_share.c) */

	/* generic connection options (bits: room for refs in 248 bytes) */
	bool has_connect_ip : 1, has_connect_port : 1, has_bindto : 1, has_bind_port : 1,
		has_fwmark : 1;
	struct vigil_addr connect_ip, bindto;
	uint16_t connect_port, bind_port;
	char *bind_if;
	struct conf_where bind_if_where;
	uint32_t fwmark;

	/* The options of one type: only the member `type` names is in use
	 * (and only that one is freed), as a checker is one type all its
	 * life.  Every checker config is kept for the process's life, one
	 * per real server, so each carries only its own type's part. */
	union {
		struct {                          /* HTTP_GET, SSL_GET */
			struct ptr_array urls;    /* struct check_url_config * */
			enum check_http_protocol protocol;
			bool protocol_set, fast_recovery, enable_sni;
		} http;
		struct {                          /* SMTP_CHECK */
			char *helo_name;
			struct ptr_array hosts;   /* struct check_checker_config *, from host{} */
		} smtp;
		struct {                          /* DNS_CHECK */
			enum check_dns_type type;
			char *name;               /* NULL: "." */
		} dns;
		struct {                          /* UDP_CHECK */
			uint8_t *payload;         /* NULL: random payload */
			size_t payload_len;
			bool require_reply;
			uint8_t *reply, *reply_mask;  /* mask 0 bits: ignored (X nibbles) */
			size_t reply_len;
			uint32_t min_reply_length, max_reply_length;
			struct conf_where lengths_where;
		} udp;
		struct {                          /* MISC_CHECK */
			struct check_script *path;
			uint64_t timeout_us;      /* 0: delay_loop */
			bool dynamic;
		} misc;
		struct {                          /* FILE_CHECK */
			char *track_file;         /* a top-level track_file block */
			bool dynamic, reverse;
			bool weight_set;
			int32_t weight;           /* !weight_set: the track_file's weight */
		} file;
	};
};

/* ---- real and virtual servers ---- */

struct check_rs_config {
	struct check_defaults defaults;   /* must stay first */
	struct conf_where where;
	struct vigil_addr addr;
	bool has_port;
	uint16_t port;
	uint32_t weight;                  /* default 1 */
	struct check_fwd fwd;             /* !set: the virtual server's */
	struct check_script *notify_up, *notify_down;
	uint32_t uthreshold, lthreshold;  /* 0: none */
	bool smtp_alert, smtp_alert_set;
	char *snmp_name;
	struct ptr_array checkers;        /* struct check_checker_config * */
};

enum check_vs_kind { CHECK_VS_ADDR, CHECK_VS_FWMARK, CHECK_VS_GROUP };
extern const char *const check_vs_kind_names[];

struct check_vs_config {
	struct check_defaults defaults;   /* must stay first */
	struct conf_where where;
	enum check_vs_kind kind;
	struct vigil_addr addr;           /* CHECK_VS_ADDR */
	bool has_port;
	uint16_t port;
	uint32_t fwmark;                  /* CHECK_VS_FWMARK */
	char *group;                      /* CHECK_VS_GROUP */

	enum check_protocol protocol;     /* default UDP, as keepalived 2.2.7 */
	bool protocol_set;
	enum check_sched sched;           /* default wlc, as ipvsadm */
	unsigned sched_flags;             /* 1u << CHECK_SCHED_F_* */
	bool ops, ha_suspend, omega;
	struct check_fwd fwd;             /* default NAT */
	bool persistent;
	uint32_t persistence_timeout;     /* seconds */
	bool has_granularity;
	int granularity_family;
	uint8_t granularity_prefix;       /* the -M mask as a prefix length */
	char *persistence_engine;
	bool smtp_alert, smtp_alert_set;
	char *snmp_name;
	uint32_t quorum;                  /* default 1 */
	uint32_t hysteresis;
	struct check_script *quorum_up, *quorum_down;
	int ip_family;                    /* AF_UNSPEC unless ip_family given */

	struct check_rs_config *sorry;    /* sorry_server, NULL if none */
	bool sorry_inhibit;
	struct check_fwd sorry_fwd;

	struct ptr_array real_servers;    /* struct check_rs_config * */
};

/* The SSL block (client context for SSL_GET). */
struct check_ssl_config {
	bool present;
	struct conf_where where;
	char *password, *ca, *certificate, *key;
	struct conf_where ca_where, certificate_where, key_where;
};

struct check_config {
	struct ptr_array groups;          /* struct check_vsg_config * */
	struct ptr_array virtual_servers; /* struct check_vs_config * */
	struct check_ssl_config ssl;
};

/* ---- module contract ---- */

/* Top level: virtual_server, virtual_server_group, SSL. */
extern const struct conf_keyword check_conf_keywords[];

struct check_config *check_config_new(void);
void check_config_free(struct check_config *cc);

/* Meaning checks after parsing: group and track_file references,
 * duplicates, address families, quorum, required checker options, scripts
 * (through lib/script_check.h), and with opts->check_host the bind_if
 * interfaces and the SSL block's files. */
void check_config_check(struct vigil_config *cfg, const struct config_load_options *opts,
			struct conf_diags *diags);

json_object *check_config_to_json(const struct check_config *cc);
/* Parts of check_config_to_json: one real server of `vs` (its "checkers"
 * with their "effective" settings), and the SSL block (NULL if absent). */
json_object *check_rs_config_to_json(const struct check_vs_config *vs,
				     const struct check_rs_config *rs);
json_object *check_ssl_config_to_json(const struct check_ssl_config *ssl);
/* The virtual_servers array of `vigilctl status --json` before any check
 * has run: states are null (unknown) and nothing is installed. */
json_object *check_config_status_json(const struct check_config *cc, bool ipvs_available);

/* No virtual servers: the checker worker is not needed. */
bool check_config_is_empty(const struct check_config *cc);

/* A checker's settings resolved through its real and virtual server and
 * the built-in defaults (connect_timeout 5s, delay_loop 60s, retry 1 (DNS 3,
 * MISC 0), delay_before_retry 3s for HTTP/SSL, delay_loop for DNS, else 1s,
 * warmup = delay_loop, rise 1, fall = retry + 1: keepalived's retry count
 * expressed as consecutive failures).  `set` of the result is all ones;
 * its virtualhost (NULL if none) points into the configuration. */
void check_checker_effective(const struct check_vs_config *vs, const struct check_rs_config *rs,
			     const struct check_checker_config *c, struct check_defaults *out);

/* A real server's forwarding method after inheritance from its virtual server. */
const struct check_fwd *check_rs_fwd(const struct check_vs_config *vs,
				     const struct check_rs_config *rs);

/* Lookups. */
struct check_vsg_config *check_config_find_group(const struct check_config *cc, const char *name);


#endif
