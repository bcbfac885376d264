"""SNMP through AgentX: the checker worker as a subagent of a real snmpd
(KEEPALIVED-MIB's checker part).

One host runs snmpd (master agentx on a Unix socket in the test's
directory, SNMP on 127.0.0.1, notifications to an snmptrapd logging to a
file) and vigild with enable_snmp_checker and enable_traps.  There is no
IPVS here: the virtual servers are reported as not installed (dead) while
the checks run against python backends on extra addresses of eth0, as in
test_check_runtime.py.

Debian ships KEEPALIVED-MIB but not the IETF MIBs it imports, so the tools
cannot resolve its names: OIDs are numeric, each named in a comment."""

import re

from vigiltest.backends import TcpBackend
from test_snmp import snmp  # noqa: F401  (the fixture)
from test_snmp import SNMP_PORT, number, value, wait_walk
from test_events import Events, of_type
from vigiltest import configs
from vigiltest.wait import wait_for

VIP, VIP_GROUP = "10.0.0.100", "10.0.0.101"
RS1, RS2, RS3, SORRY = "10.0.0.11", "10.0.0.12", "10.0.0.13", "10.0.0.99"
PORT = 8080

KA = "1.3.6.1.4.1.9586.100.5"
CHECK = KA + ".3"                       # check
GROUP_NAME = CHECK + ".1.1.2"           # virtualServerGroupName.g
MEMBER = CHECK + ".2.1"                 # virtualServerGroupMemberEntry
VS = CHECK + ".3.1"                     # virtualServerEntry
RS = CHECK + ".4.1"                     # realServerEntry
RS_STATE_CHANGE = CHECK + ".5.0.1"      # realServerStateChange
QUORUM_CHANGE = CHECK + ".5.0.2"        # virtualServerQuorumStateChange
ROUTER_ID = KA + ".1.2.0"               # routerId.0
SNMP_TRAP_OID = "1.3.6.1.6.3.1.1.4.1.0"     # snmpTrapOID.0

# virtualServerEntry columns
VS_TYPE, VS_GROUP, VS_FWMARK, VS_ADDR_TYPE, VS_ADDR, VS_PORT = 2, 3, 4, 5, 6, 7
VS_PROTOCOL, VS_ALGO, VS_KIND, VS_STATUS, VS_DELAY_LOOP = 8, 9, 10, 11, 16
VS_RS_TOTAL, VS_RS_UP, VS_QUORUM, VS_QUORUM_STATUS, VS_HYSTERESIS = 20, 21, 22, 23, 26
VS_NAME = 71
VS_SMTP_ALERT, RS_SMTP_ALERT = 61, 47
# realServerEntry columns
RS_TYPE, RS_ADDR, RS_PORT, RS_STATUS, RS_WEIGHT, RS_UPPER = 2, 4, 5, 6, 7, 8
RS_FAILED_CHECKS, RS_RETRY, RS_DELAY_LOOP = 13, 43, 46


def vs_cell(col, vs):
    return "%s.%d.%d" % (VS, col, vs)


def rs_cell(col, vs, rs):
    return "%s.%d.%d.%d" % (RS, col, vs, rs)


def hexaddr(addr):
    return " ".join("%02X" % int(b) for b in addr.split("."))


def tcp_real_server(addr, weight, extra=""):
    return ("    real_server %s %d {\n"
            "        weight %d\n%s"
            "        TCP_CHECK {\n"
            "            connect_timeout 1\n"
            "            retry 0\n"
            "            delay_before_retry 0.5\n"
            "        }\n"
            "    }\n") % (addr, PORT, weight, extra)


def config(agentx):
    return (configs.global_defs("checker-a").replace(
        "}\n", "    snmp_socket unix:%s\n    enable_snmp_checker\n    enable_traps\n"
        # the checker's own "no" wins over smtp_alert (the SMTP_ALERT columns)
        "    smtp_alert\n    smtp_alert_checker no\n}\n" % agentx, 1)
        + "virtual_server_group G1 {\n    %s 80\n    10.0.0.110-112 80\n}\n" % VIP_GROUP
        # 1: address; quorum 4 = both real servers (1 + 3)
        + "virtual_server %s 80 {\n"
          "    delay_loop 1\n    lvs_sched rr\n    lvs_method NAT\n    protocol TCP\n"
          "    quorum 4\n    hysteresis 0\n    snmp_name web\n"
          "    sorry_server %s %d\n" % (VIP, SORRY, PORT)
        + tcp_real_server(RS1, 1, "        uthreshold 100\n")
        + tcp_real_server(RS2, 3)
        + "}\n"
        # 2: fwmark, a real server without checkers (always up)
        + "virtual_server fwmark 7 {\n    lvs_sched wlc\n    lvs_method DR\n"
          "    real_server %s %d {\n        weight 2\n    }\n}\n" % (RS3, PORT)
        # 3: the group
        + "virtual_server group G1 {\n    delay_loop 1\n    protocol TCP\n    lvs_sched sh\n"
        + tcp_real_server(RS2, 1)
        + "}\n")


def rs_status(d, addr, vs_index=0):
    for r in d.status()["virtual_servers"][vs_index]["real_servers"]:
        if r["address"] == addr:
            return r
    raise AssertionError("no real server %s" % addr)


def start(host, vigild, snmp):
    for a in (RS1, RS2, RS3, VIP, VIP_GROUP):
        host.exec("ip", "addr", "add", "%s/24" % a, "dev", "eth0")
    s = snmp(host, traps=True)
    s.start_snmpd()
    s.start_snmptrapd()
    d = vigild(host, config(s.agentx), name="checker")
    backends = {a: TcpBackend(host, a, PORT).start() for a in (RS1, RS2)}
    d.start(workers=["checker"])
    return s, d, backends


def trap_with(s, trap_oid, pattern, timeout=10):
    """Waits for a logged notification `trap_oid` whose text matches
    `pattern`; returns its text."""
    found = []

    def look():
        for block in re.split(r"\n(?=\S)", s.trap_text()):
            if trap_oid in block and re.search(pattern, block):
                found.append(block)
                return True
        return False
    wait_for(look, timeout, "notification %s matching %r" % (trap_oid, pattern),
             diagnose=lambda: s.trap_text()[-3000:])
    return found[0]


def test_tables_traps_and_weight_writes(host, vigild, snmp):  # noqa: F811
    s, d, backends = start(host, vigild, snmp)
    try:
        scenario(s, d, backends)
    finally:
        for b in backends.values():
            b.stop()


def scenario(s, d, backends):
    d.wait(lambda: rs_status(d, RS1)["checked"] and rs_status(d, RS2)["checked"],
           "both real servers checked")
    t = wait_walk(s, CHECK, lambda t: rs_cell(RS_STATUS, 3, 1) in t)
    check_tables(t)
    check_down_and_quorum(s, d, backends)
    check_weight_writes(s, d)
    # Back up: realServerStateChange with alive(1).
    backends[RS1].start()
    trap_with(s, RS_STATE_CHANGE, re.escape(rs_cell(RS_STATUS, 1, 1)) + r" = INTEGER: 1")
    # A reload without enable_snmp_checker withdraws the tables.
    d.write_config(config(s.agentx).replace("    enable_snmp_checker\n", ""))
    assert d.ctl("reload").returncode == 0
    wait_walk(s, CHECK, lambda t: not t)


def check_tables(t):
    # The group and its members: ip(2) and iprange(3).
    assert value(t, GROUP_NAME + ".1") == 'STRING: "G1"'
    assert number(value(t, MEMBER + ".2.1.1")) == 2
    assert hexaddr(VIP_GROUP) in value(t, MEMBER + ".5.1.1")
    assert number(value(t, MEMBER + ".2.1.2")) == 3
    assert hexaddr("10.0.0.112") in value(t, MEMBER + ".7.1.2")
    assert number(value(t, MEMBER + ".8.1.2")) == 80
    # Virtual server 1: ip(2), 10.0.0.100:80, tcp(1), rr(1), nat(1),
    # dead(2) (no IPVS), delay_loop 1, 2 of 2 up, quorum 4 met(1).
    want = {VS_TYPE: 2, VS_ADDR_TYPE: 1, VS_PORT: 80, VS_PROTOCOL: 1, VS_ALGO: 1, VS_KIND: 1,
            VS_STATUS: 2, VS_DELAY_LOOP: 1, VS_RS_TOTAL: 2, VS_RS_UP: 2, VS_QUORUM: 4,
            VS_QUORUM_STATUS: 1, VS_HYSTERESIS: 0}
    for col, v in want.items():
        assert number(value(t, vs_cell(col, 1))) == v, (col, value(t, vs_cell(col, 1)))
    assert hexaddr(VIP) in value(t, vs_cell(VS_ADDR, 1))
    # smtp_alert_checker no: neither quorum nor real server mail, false(2)
    assert number(value(t, vs_cell(VS_SMTP_ALERT, 1))) == 2
    assert number(value(t, rs_cell(RS_SMTP_ALERT, 1, 1))) == 2
    assert value(t, vs_cell(VS_NAME, 1)) == 'STRING: "web"'
    assert vs_cell(VS_FWMARK, 1) not in t and vs_cell(VS_GROUP, 1) not in t
    # 2: fwmark(1) 7, no protocol: none(4), wlc(4), dr(2); 3: group(3) "G1", sh(8).
    assert number(value(t, vs_cell(VS_TYPE, 2))) == 1
    assert number(value(t, vs_cell(VS_FWMARK, 2))) == 7
    assert number(value(t, vs_cell(VS_PROTOCOL, 2))) == 4
    assert [number(value(t, vs_cell(c, 2))) for c in (VS_ALGO, VS_KIND)] == [4, 2]
    assert vs_cell(VS_ADDR, 2) not in t
    assert number(value(t, vs_cell(VS_TYPE, 3))) == 3
    assert value(t, vs_cell(VS_GROUP, 3)) == 'STRING: "G1"'
    assert number(value(t, vs_cell(VS_ALGO, 3))) == 8
    # Real servers of 1: regular(1), alive(1), weights 1 and 3; the sorry
    # server last: sorry(2), dead(2) while the quorum holds.
    assert hexaddr(RS1) in value(t, rs_cell(RS_ADDR, 1, 1))
    assert [number(value(t, rs_cell(c, 1, 1))) for c in (RS_TYPE, RS_PORT, RS_STATUS, RS_WEIGHT,
                                                         RS_UPPER, RS_FAILED_CHECKS)] \
        == [1, PORT, 1, 1, 100, 0]
    assert number(value(t, rs_cell(RS_WEIGHT, 1, 2))) == 3
    # retry is the checker's own (left out); delay_loop comes from the virtual server.
    assert rs_cell(RS_RETRY, 1, 2) not in t
    assert number(value(t, rs_cell(RS_DELAY_LOOP, 1, 2))) == 1
    assert hexaddr(SORRY) in value(t, rs_cell(RS_ADDR, 1, 3))
    assert [number(value(t, rs_cell(c, 1, 3))) for c in (RS_TYPE, RS_STATUS)] == [2, 2]
    assert rs_cell(RS_UPPER, 1, 2) not in t
    assert number(value(t, rs_cell(RS_STATUS, 2, 1))) == 1


def check_down_and_quorum(s, d, backends):
    # RS1 dies: realServerStateChange with dead(2) and 1 of 2 up, then
    # the quorum (4) is lost with live weight 3: notMet(2); the sorry
    # server stands in.
    backends[RS1].stop()
    trap = trap_with(s, RS_STATE_CHANGE, re.escape(rs_cell(RS_STATUS, 1, 1)) + r" = INTEGER: 2")
    assert re.search(re.escape(vs_cell(VS_RS_UP, 1)) + r" = Gauge32: 1\b", trap), trap
    assert re.search(re.escape(vs_cell(VS_RS_TOTAL, 1)) + r" = Gauge32: 2\b", trap), trap
    assert re.search(re.escape(vs_cell(VS_PORT, 1)) + r" = Gauge32: 80\b", trap), trap
    assert hexaddr(RS1) in trap and 'STRING: "checker-a"' in trap, trap
    trap = trap_with(s, QUORUM_CHANGE, re.escape(vs_cell(VS_QUORUM_STATUS, 1)) + r" = INTEGER: 2")
    assert re.search(re.escape(vs_cell(VS_QUORUM, 1)) + r" = Gauge32: 4\b", trap), trap
    # A walk is many requests and the tables are a snapshot renewed every
    # 500 ms, so one walk may start on the snapshot from before the change
    # (virtual server rows) and end on the next (real server rows): wait
    # for a walk that saw only the new one.
    t = wait_walk(s, CHECK, lambda t: number(t.get(rs_cell(RS_STATUS, 1, 1), "1")) == 2
                  and number(t.get(vs_cell(VS_RS_UP, 1), "0")) == 1
                  and number(t.get(vs_cell(VS_QUORUM_STATUS, 1), "0")) == 2)
    assert number(value(t, rs_cell(RS_STATUS, 1, 3))) == 1      # the sorry server alive
    assert number(value(t, rs_cell(RS_FAILED_CHECKS, 1, 1))) == 1


def check_weight_writes(s, d):
    weight = rs_cell(RS_WEIGHT, 1, 2)
    # Out of range, wrong type, the sorry server, a read-only column, no
    # such row: refused, nothing changes.
    for oid, kind, val, why in ((weight, "i", -1, "wrongValue"),
                                (weight, "i", 2147483648, None),
                                (weight, "s", "5", "wrongType"),
                                (rs_cell(RS_WEIGHT, 1, 3), "i", 5, "notWritable"),
                                (rs_cell(RS_STATUS, 1, 2), "i", 1, "notWritable"),
                                (rs_cell(RS_WEIGHT, 9, 1), "i", 5, "noCreation")):
        rc, out = s.set(oid, kind, val)
        assert rc != 0, out
        assert why is None or why in out, out
    # One SET of two cells, one of them out of range: neither changes.
    res = s.host.exec("env", "MIBS=", "snmpset", "-v2c", "-c", "private", "-On", "-t", "3", "-r",
                      "0", "udp:127.0.0.1:%d" % SNMP_PORT, rs_cell(RS_WEIGHT, 1, 1), "i", "9",
                      weight, "i", "-5", check=False)
    assert res.returncode != 0 and "wrongValue" in res.stdout + res.stderr, res
    assert rs_status(d, RS1)["weight"] == 1
    assert rs_status(d, RS2)["weight"] == 3
    # Weight 5: vigilctl shows it, the live weight (5) meets the quorum
    # again, and the walk reads it back; `vigilctl events` has it as a
    # weight change caused by SNMP.
    ev = Events(d, "--type", "checker,process")
    ev.synced()
    rc, out = s.set(weight, "i", 5)
    assert rc == 0, out
    got = ev.next(of_type("real_server", real_server="%s:%d" % (RS2, PORT)), "SNMP weight event")
    assert (got["weight"], got["previous_weight"], got["reason"]) == (5, 3, "snmp"), got
    r = rs_status(d, RS2)
    assert (r["weight"], r["configured_weight"], r["effective_weight"]) == (5, 3, 5), r
    v = d.status()["virtual_servers"][0]
    assert v["live_weight"] == 5 and v["quorum_ok"] is True, v
    trap_with(s, QUORUM_CHANGE, re.escape(vs_cell(VS_QUORUM_STATUS, 1)) + r" = INTEGER: 1")
    # (one walk may span two snapshots: see check_down_and_quorum)
    wait_walk(s, CHECK, lambda t: number(t.get(weight, "0")) == 5
              and number(t.get(vs_cell(VS_QUORUM_STATUS, 1), "0")) == 1)
    # A reload restores the configured weight.
    assert d.ctl("reload").returncode == 0
    d.wait(lambda: rs_status(d, RS2)["weight"] == 3, "the configured weight back")
    got = ev.next(of_type("real_server", real_server="%s:%d" % (RS2, PORT)), "reload weight event")
    assert (got["weight"], got["previous_weight"], got["reason"]) == (3, 5, "reload"), got
    assert ev.finish()[0] == 0
    wait_walk(s, CHECK, lambda t: number(t.get(weight, "0")) == 3)
