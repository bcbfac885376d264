/* Internal to checker/check_conf*.c: the keyword tables and helpers the
 * files of the LVS configuration share.  Nothing outside checker/ should
 * include this; the public interface is check_conf.h. */
#ifndef VIGIL_CHECK_CONF_TABLES_H
#define VIGIL_CHECK_CONF_TABLES_H

#include "check_conf.h"

/* Blocks: virtual_server (check_conf_vs.c), real_server's checkers
 * (check_conf_checkers.c), HTTP_GET/SSL_GET (check_conf_http.c). */
extern const struct conf_block check_vs_block;
extern const struct conf_keyword check_checker_type_keywords[];
extern const struct conf_block check_http_block, check_ssl_get_block;

/* Opens any checker block (HTTP_GET, TCP_CHECK, ...): argv[0] is the type. */
void *check_checker_open(struct conf_parser *p, void *parent, const struct conf_args *a);
/* Closes one: its lists are complete, their spare slots go. */
void check_checker_close(struct conf_parser *p, void *obj, struct conf_where opened);
/* connect_ip, connect_port, bindto, bind_if, bind_port, fwmark. */
extern const struct conf_keyword check_conn_keywords[];

/* Keywords every level (virtual server, real server, checker) accepts; the
 * handlers take any object whose first member is struct check_defaults. */
extern const struct conf_keyword check_defaults_keywords[];
/* rise/fall: real servers and checkers (vigil extension). */
extern const struct conf_keyword check_rise_fall_keywords[];
/* virtualhost: virtual server, real server, HTTP checkers. */
extern const struct conf_keyword check_virtualhost_keywords[];
/* inhibit_on_failure: virtual and real servers. */
extern const struct conf_keyword check_inhibit_keywords[];
/* log_all_failures: checkers. */
extern const struct conf_keyword check_log_all_failures_keywords[];

/* The check_config of the configuration being parsed (created if absent). */
struct check_config *check_conf_of(struct conf_parser *p);

/* KEYWORD NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum] */
bool check_fwd_parse(struct conf_parser *p, const struct conf_args *a, struct check_fwd *out);
/* KEYWORD COMMAND [USER [GROUP]]; replaces *slot. */
void check_script_parse(const struct conf_args *a, struct check_script **slot);

/* Replaces *slot by a copy of argv[idx]. */
void check_set_string(char **slot, const char *value);

void check_script_free(struct check_script *s);
void check_defaults_clear(struct check_defaults *d);
void check_checker_free(void *checker);
void check_url_free(void *url);
/* Makes checkers with equal url lists share the url objects (see
 * struct check_url_config); after the checks, whose messages name each
 * url's own line. */
void check_config_share_urls(struct check_config *cc);
bool check_url_lists_equal(const struct ptr_array *a, const struct ptr_array *b);
/* Makes equal checkers share one object (check_conf_share.c): only for a
 * process that never reports a checker's line (config_load_options). */
void check_config_share_checkers(struct check_config *cc);
void check_rs_free(void *rs);
void check_vs_free(void *vs);

#endif
