/* The netlink edge: one generic netlink socket to the kernel's IPVS family,
 * requests built by lvs_msg.c, replies read through libnl callbacks.  Every
 * request asks for an acknowledgement so the kernel's own errno comes back
 * for each operation. */
#include "config.h"
#include "lvs.h"
#include "lvs_msg.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef WITH_LVS
#include <linux/ip_vs.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

struct lvs_handle {
	struct nl_sock *sock;
	int family_id;
	uint8_t genl_version;           /* the IPVS family's version, as the kernel says */
	char version[16];               /* IPVS's own version, "1.2.1" */
};

/* Called for each reply message carrying data (dump entries, GET_INFO). */
typedef int reply_fn(struct nlmsghdr *nlh, void *arg);

struct request {
	bool done;
	int err;                        /* the kernel's answer, 0 or -errno */
	int reply_err;                  /* the first error a reply_fn returned */
	reply_fn *fn;
	void *arg;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;
	int r;

	if (!req->fn)
		return NL_OK;
	r = req->fn(nlmsg_hdr(msg), req->arg);
	if (r < 0 && !req->reply_err)
		req->reply_err = r;
	return NL_OK;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct request *req = arg;

	(void)who;
	req->err = e->error;
	req->done = true;
	return NL_STOP;
}

static struct nl_msg *request_new(const struct lvs_handle *h, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family_id, 0, flags, cmd,
				h->genl_version)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Sends `msg` (consumed) and reads until the acknowledgement, the end of a
 * dump or an error.  0 or -errno. */
static int request_run(struct lvs_handle *h, struct nl_msg *msg, reply_fn *fn, void *arg)
{
	struct request req = { .fn = fn, .arg = arg };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &req);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &req);
	if (nl_send_auto(h->sock, msg) < 0)
		req.err = -EIO;
	else
		while (!req.done)
			if (nl_recvmsgs(h->sock, cb) < 0 && !req.done) {
				req.err = -EIO;
				break;
			}
	nl_cb_put(cb);
	nlmsg_free(msg);
	return req.err ? req.err : req.reply_err;
}

/* ---- opening ---- */

/* The family id and version from the kernel's controller. */
static int resolve_family(struct lvs_handle *h)
{
	struct nl_cache *cache = NULL;
	struct genl_family *family;

	if (genl_ctrl_alloc_cache(h->sock, &cache) < 0)
		return -EIO;
	family = genl_ctrl_search_by_name(cache, IPVS_GENL_NAME);
	if (family) {
		h->family_id = genl_family_get_id(family);
		h->genl_version = (uint8_t)genl_family_get_version(family);
		genl_family_put(family);
	}
	nl_cache_free(cache);
	return family ? 0 : -ENOENT;
}

static int parse_info(struct nlmsghdr *nlh, void *arg)
{
	struct lvs_handle *h = arg;
	struct nlattr *attrs[IPVS_INFO_ATTR_MAX + 1];
	uint32_t v;

	if (genlmsg_parse(nlh, 0, attrs, IPVS_INFO_ATTR_MAX, NULL) < 0 ||
	    !attrs[IPVS_INFO_ATTR_VERSION])
		return -EINVAL;
	v = nla_get_u32(attrs[IPVS_INFO_ATTR_VERSION]);
	snprintf(h->version, sizeof(h->version), "%u.%u.%u", (v >> 16) & 0xff, (v >> 8) & 0xff,
		 v & 0xff);
	return 0;
}

static int get_info(struct lvs_handle *h)
{
	struct nl_msg *msg = request_new(h, IPVS_CMD_GET_INFO, 0);

	if (!msg)
		return -ENOMEM;
	return request_run(h, msg, parse_info, h);
}

struct lvs_handle *lvs_open(char *err, size_t err_len)
{
	struct lvs_handle *h = XNEW(struct lvs_handle);

	h->sock = nl_socket_alloc();
	if (!h->sock || genl_connect(h->sock) < 0) {
		snprintf(err, err_len, "cannot open a generic netlink socket");
		goto fail;
	}
	/* Peek at each datagram's size first: a dump batch larger than libnl's
	 * default buffer would otherwise be cut short. */
	nl_socket_enable_msg_peek(h->sock);
	if (resolve_family(h) < 0) {
		snprintf(err, err_len, "no IPVS in this kernel");
		goto fail;
	}
	if (get_info(h) < 0 || !h->version[0]) {
		snprintf(err, err_len, "IPVS did not answer");
		goto fail;
	}
	return h;
fail:
	lvs_close(h);
	return NULL;
}

void lvs_close(struct lvs_handle *h)
{
	if (!h)
		return;
	if (h->sock)
		nl_socket_free(h->sock);
	free(h);
}

const char *lvs_version(const struct lvs_handle *h)
{
	return h->version;
}

/* ---- reading the table ---- */

static int add_dumped_service(struct nlmsghdr *nlh, void *arg)
{
	struct lvs_service svc;
	int r = lvs_msg_parse_service(nlh, &svc);

	if (r == 0)
		lvs_table_add_service(arg, &svc);
	return r;
}

static int add_dumped_dest(struct nlmsghdr *nlh, void *arg)
{
	struct lvs_table_service *ts = arg;
	struct lvs_dest dest;
	int r = lvs_msg_parse_dest(nlh, ts->svc.family, &dest, NULL);

	if (r == 0)
		lvs_table_add_dest(ts, &dest);
	return r;
}

static int add_dumped_counted_dest(struct nlmsghdr *nlh, void *arg)
{
	struct lvs_table_service *ts = arg;
	struct lvs_dest dest;
	struct lvs_dest_stats stats;
	int r = lvs_msg_parse_dest(nlh, ts->svc.family, &dest, &stats);

	if (r == 0)
		lvs_table_add_counted_dest(ts, &dest, &stats);
	return r;
}

static int dump_dests(struct lvs_handle *h, struct lvs_table_service *ts, bool counters)
{
	struct nl_msg *msg = request_new(h, IPVS_CMD_GET_DEST, NLM_F_DUMP);

	if (!msg)
		return -ENOMEM;
	if (lvs_msg_put_service(msg, &ts->svc, false) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return request_run(h, msg, counters ? add_dumped_counted_dest : add_dumped_dest, ts);
}

int lvs_dump(struct lvs_handle *h, struct lvs_table *out, enum lvs_dump_depth depth)
{
	struct nl_msg *msg = request_new(h, IPVS_CMD_GET_SERVICE, NLM_F_DUMP);
	int r;

	lvs_table_init(out);
	if (!msg)
		return -ENOMEM;
	r = request_run(h, msg, add_dumped_service, out);
	for (size_t i = 0; r == 0 && depth != LVS_DUMP_SERVICES && i < out->n_services; i++)
		r = dump_dests(h, &out->services[i], depth == LVS_DUMP_COUNTERS);
	return r;
}

/* ---- changing it ---- */

static const uint8_t op_commands[LVS_OP_KIND_COUNT] = {
	[LVS_OP_ADD_SERVICE] = IPVS_CMD_NEW_SERVICE,
	[LVS_OP_EDIT_SERVICE] = IPVS_CMD_SET_SERVICE,
	[LVS_OP_DEL_SERVICE] = IPVS_CMD_DEL_SERVICE,
	[LVS_OP_ADD_DEST] = IPVS_CMD_NEW_DEST,
	[LVS_OP_EDIT_DEST] = IPVS_CMD_SET_DEST,
	[LVS_OP_DEL_DEST] = IPVS_CMD_DEL_DEST,
};

static int put_op(struct nl_msg *msg, const struct lvs_op *op)
{
	switch (op->kind) {
	case LVS_OP_ADD_SERVICE:
	case LVS_OP_EDIT_SERVICE:
		return lvs_msg_put_service(msg, &op->svc, true);
	case LVS_OP_DEL_SERVICE:
		return lvs_msg_put_service(msg, &op->svc, false);
	case LVS_OP_ADD_DEST:
	case LVS_OP_EDIT_DEST:
	case LVS_OP_DEL_DEST:
		if (lvs_msg_put_service(msg, &op->svc, false) < 0)
			return -EMSGSIZE;
		return lvs_msg_put_dest(msg, &op->dest, op->kind != LVS_OP_DEL_DEST);
	default:
		return -EINVAL;
	}
}

int lvs_apply_op(struct lvs_handle *h, const struct lvs_op *op)
{
	struct nl_msg *msg;
	int r;

	if ((unsigned)op->kind >= LVS_OP_KIND_COUNT)
		return -EINVAL;
	msg = request_new(h, op_commands[op->kind], 0);
	if (!msg)
		return -ENOMEM;
	r = put_op(msg, op);
	if (r < 0) {
		nlmsg_free(msg);
		return r;
	}
	return request_run(h, msg, NULL, NULL);
}

static void log_op_failure(const struct lvs_op *op, int err)
{
	char svc[80], dest[64] = "";

	lvs_service_describe(&op->svc, svc, sizeof(svc));
	if (op->kind >= LVS_OP_ADD_DEST)
		lvs_dest_describe(&op->dest, dest, sizeof(dest));
	log_error("IPVS %s %s%s%s failed: %s", lvs_op_kind_names[op->kind], svc,
		  dest[0] ? " -> " : "", dest, strerror(-err));
}

int lvs_sync(struct lvs_handle *h, const struct lvs_table *wanted, const struct lvs_table *before,
	     unsigned *failed)
{
	struct lvs_table kernel;
	struct lvs_plan plan;
	int applied = 0, r = lvs_dump(h, &kernel, LVS_DUMP_DESTS);

	if (failed)
		*failed = 0;
	if (r < 0) {
		log_error("IPVS: cannot read the kernel's table: %s", strerror(-r));
		lvs_table_free(&kernel);
		return r;
	}
	lvs_plan_build(&kernel, wanted, before, &plan);
	for (size_t i = 0; i < plan.n_ops; i++) {
		r = lvs_apply_op(h, &plan.ops[i]);
		if (r == 0) {
			applied++;
			continue;
		}
		log_op_failure(&plan.ops[i], r);
		if (failed)
			(*failed)++;
	}
	lvs_plan_free(&plan);
	lvs_table_free(&kernel);
	return applied;
}

/* ---- global settings ---- */

static int simple_request(struct lvs_handle *h, uint8_t cmd, struct nl_msg **out)
{
	*out = request_new(h, cmd, 0);
	return *out ? 0 : -ENOMEM;
}

int lvs_flush(struct lvs_handle *h)
{
	struct nl_msg *msg;

	if (simple_request(h, IPVS_CMD_FLUSH, &msg) < 0)
		return -ENOMEM;
	return request_run(h, msg, NULL, NULL);
}

int lvs_set_timeouts(struct lvs_handle *h, uint32_t tcp_s, uint32_t tcpfin_s, uint32_t udp_s)
{
	struct nl_msg *msg;

	if (!tcp_s && !tcpfin_s && !udp_s)
		return 0;
	if (simple_request(h, IPVS_CMD_SET_CONFIG, &msg) < 0)
		return -ENOMEM;
	if (lvs_msg_put_timeouts(msg, tcp_s, tcpfin_s, udp_s) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return request_run(h, msg, NULL, NULL);
}

static int daemon_request(struct lvs_handle *h, uint8_t cmd, const struct lvs_sync_daemon *d)
{
	struct nl_msg *msg;

	if (simple_request(h, cmd, &msg) < 0)
		return -ENOMEM;
	if (lvs_msg_put_daemon(msg, d, cmd == IPVS_CMD_NEW_DAEMON) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return request_run(h, msg, NULL, NULL);
}

int lvs_sync_daemon_start(struct lvs_handle *h, const struct lvs_sync_daemon *d)
{
	return daemon_request(h, IPVS_CMD_NEW_DAEMON, d);
}

int lvs_sync_daemon_stop(struct lvs_handle *h, enum lvs_sync_state state, const char *ifname)
{
	struct lvs_sync_daemon d = { .state = state };

	if (ifname)
		snprintf(d.ifname, sizeof(d.ifname), "%s", ifname);
	return daemon_request(h, IPVS_CMD_DEL_DAEMON, &d);
}

#else /* !WITH_LVS */

struct lvs_handle *lvs_open(char *err, size_t err_len)
{
	snprintf(err, err_len, "vigil was built with --disable-lvs");
	return NULL;
}

void lvs_close(struct lvs_handle *h)
{
	(void)h;
}

const char *lvs_version(const struct lvs_handle *h)
{
	(void)h;
	return "";
}

int lvs_dump(struct lvs_handle *h, struct lvs_table *out, enum lvs_dump_depth depth)
{
	(void)h, (void)depth;
	lvs_table_init(out);
	return -EOPNOTSUPP;
}

int lvs_apply_op(struct lvs_handle *h, const struct lvs_op *op)
{
	(void)h, (void)op;
	return -EOPNOTSUPP;
}

int lvs_sync(struct lvs_handle *h, const struct lvs_table *wanted, const struct lvs_table *before,
	     unsigned *failed)
{
	(void)h, (void)wanted, (void)before;
	if (failed)
		*failed = 0;
	return -EOPNOTSUPP;
}

int lvs_flush(struct lvs_handle *h)
{
	(void)h;
	return -EOPNOTSUPP;
}

int lvs_set_timeouts(struct lvs_handle *h, uint32_t tcp_s, uint32_t tcpfin_s, uint32_t udp_s)
{
	(void)h, (void)tcp_s, (void)tcpfin_s, (void)udp_s;
	return -EOPNOTSUPP;
}

int lvs_sync_daemon_start(struct lvs_handle *h, const struct lvs_sync_daemon *d)
{
	(void)h, (void)d;
	return -EOPNOTSUPP;
}

int lvs_sync_daemon_stop(struct lvs_handle *h, enum lvs_sync_state state, const char *ifname)
{
	(void)h, (void)state, (void)ifname;
	return -EOPNOTSUPP;
}

#endif
