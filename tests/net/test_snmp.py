"""SNMP through AgentX: the VRRP worker as a subagent of a real snmpd.

Each host of the LAN runs its own snmpd (master agentx on a Unix socket
in the test's directory, SNMP on 127.0.0.1 of the host's namespace, no
system configuration read) and vigild with enable_snmp_vrrp,
enable_snmp_rfc and enable_traps pointing at that socket; the backup's
snmpd forwards notifications to an snmptrapd logging to a file.

Debian ships VRRP-MIB, VRRPv3-MIB and KEEPALIVED-MIB but not the IETF
MIBs they import (SNMPv2-SMI, IF-MIB, ...: snmp-mibs-downloader), so the
tools cannot resolve names here: the tests use numeric OIDs, each named
in a comment after the MIB."""

import os
import re
import signal
import subprocess
import time

import pytest

from vigiltest import configs
from vigiltest.wait import wait_for

VIP = "10.0.0.100"
SNMP_PORT = 1161
TRAP_PORT = 1162

VRRP = "1.3.6.1.2.1.68"                 # VRRP-MIB vrrpMIB
VRRP_OPER_STATE = VRRP + ".1.3.1.3"     # vrrpOperState: initialize(1) backup(2) master(3)
VRRP_OPER_PRIO = VRRP + ".1.3.1.5"      # vrrpOperPriority
VRRP_ASSO_STATUS = VRRP + ".1.4.1.2"    # vrrpAssoIpAddrRowStatus.ifIndex.vrid.a.b.c.d
VRRP_RCVD = VRRP + ".2.4.1.2"           # vrrpStatsAdvertiseRcvd
VRRP_NEW_MASTER = VRRP + ".0.1"         # vrrpTrapNewMaster
V3 = "1.3.6.1.2.1.207"                  # VRRPv3-MIB vrrpv3MIB
V3_STATUS = V3 + ".1.1.1.1.6"           # vrrpv3OperationsStatus.ifIndex.vrid.ipv4(1)
V3_PRIO = V3 + ".1.1.1.1.7"             # vrrpv3OperationsPriority
V3_ADDR = V3 + ".1.1.2.1.2"             # vrrpv3AssociatedIpAddrRowStatus...4.a.b.c.d
V3_RCVD = V3 + ".1.2.5.1.3"             # vrrpv3StatisticsRcvdAdvertisements
V3_NEW_MASTER = V3 + ".0.1"             # vrrpv3NewMaster
V3_NEW_MASTER_REASON = V3 + ".1.2.5.1.2"    # vrrpv3StatisticsNewMasterReason
KA = "1.3.6.1.4.1.9586.100.5"           # KEEPALIVED-MIB keepalived
KA_ROUTER_ID = KA + ".1.2.0"            # routerId.0
KA_INST_NAME = KA + ".2.3.1.2"          # vrrpInstanceName.index
KA_INST_STATE = KA + ".2.3.1.4"         # vrrpInstanceState: backup(1) master(2)
KA_ADDR_VALUE = KA + ".2.6.1.3"         # vrrpAddressValue.instance.address
KA_STATE_CHANGE = KA + ".2.10.0.2"      # vrrpInstanceStateChange
KA_GROUP_CHANGE = KA + ".2.10.0.1"      # vrrpSyncGroupStateChange
KA_GROUP_NAME = KA + ".2.1.1.2"         # vrrpSyncGroupName.index
V3_PROTO_ERROR = V3 + ".0.2"            # vrrpv3ProtoError
V3_PROTO_ERROR_REASON = V3 + ".1.2.5.1.6"   # vrrpv3StatisticsProtoErrReason
V3_TTL_ERRORS = V3 + ".1.2.5.1.5"       # vrrpv3StatisticsIpTtlErrors

BAD_TTL_ADVERT = (
    "from scapy.all import Ether, IP, get_if_hwaddr, sendp\n"
    "from scapy.layers.vrrp import VRRPv3\n"
    # The real source MAC: the bridge drops an all-zero one.
    "sendp(Ether(src=get_if_hwaddr('eth0'), dst='01:00:5e:00:00:12')"
    " / IP(src='10.0.0.1', dst='224.0.0.18', ttl=1, proto=112)"
    " / VRRPv3(vrid=51, priority=150, ipcount=1, adv=10, addrlist=['10.0.0.100']),"
    " iface='eth0', verbose=0)\n")


class Proc:
    """A foreground daemon in a namespace, killed at cleanup."""

    def __init__(self, host, argv, log):
        self.log = log
        with open(log, "a") as out:
            self.proc = host.popen(*argv, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Snmp:
    """snmpd (and optionally snmptrapd) for one host, in directory `d`."""

    def __init__(self, host, d, traps=False):
        self.host, self.dir, self.procs = host, d, []
        self.agentx = os.path.join(d, "agentx")
        self.trap_log = os.path.join(d, "traps.log")
        # snmpd saves its persistent state as snmpd.conf there: not ours.
        persist = os.path.join(d, "persist")
        os.mkdir(persist)
        self.env = dict(os.environ, SNMP_PERSISTENT_DIR=persist, MIBS="", MIBDIRS=d)
        with open(os.path.join(d, "snmpd.conf"), "w") as f:
            f.write("master agentx\nagentXSocket %s\nagentaddress udp:127.0.0.1:%d\n"
                    "rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\n"
                    % (self.agentx, SNMP_PORT))
            if traps:
                f.write("trap2sink 127.0.0.1:%d public\n" % TRAP_PORT)
        with open(os.path.join(d, "snmptrapd.conf"), "w") as f:
            f.write("disableAuthorization yes\nsnmpTrapdAddr udp:127.0.0.1:%d\n" % TRAP_PORT)
        self.traps = traps
        self.snmpd = None

    def _spawn(self, *argv, log):
        # `ip netns exec` does not pass an environment through Popen's
        # env on its own: env(1) sets it inside the namespace.
        envs = ["%s=%s" % (k, self.env[k]) for k in ("SNMP_PERSISTENT_DIR", "MIBS", "MIBDIRS")]
        p = Proc(self.host, ("env",) + tuple(envs) + argv, os.path.join(self.dir, log))
        self.procs.append(p)
        return p

    def start_snmpd(self):
        self.snmpd = self._spawn("snmpd", "-f", "-Lo", "-C", "-c",
                                 os.path.join(self.dir, "snmpd.conf"),
                                 "-p", os.path.join(self.dir, "snmpd.pid"), log="snmpd.log")
        wait_for(lambda: os.path.exists(self.agentx), 10, "snmpd's AgentX socket")

    def stop_snmpd(self):
        self.snmpd.kill()
        if os.path.exists(self.agentx):
            os.unlink(self.agentx)

    def start_snmptrapd(self):
        self._spawn("snmptrapd", "-f", "-Lf", self.trap_log, "-On", "-C", "-c",
                    os.path.join(self.dir, "snmptrapd.conf"), log="snmptrapd.out")

    def walk(self, oid):
        """{numeric oid: value text} under `oid` (empty when nothing answers)."""
        res = self.host.exec("env", "MIBS=", "MIBDIRS=" + self.dir, "snmpwalk", "-v2c",
                             "-c", "public", "-On", "-t", "1", "-r", "1",
                             "udp:127.0.0.1:%d" % SNMP_PORT, oid, check=False)
        out = {}
        for line in res.stdout.splitlines():
            m = re.match(r"^\.?([0-9.]+) = (.*)$", line)
            if m and "No Such" not in m.group(2) and "No more variables" not in m.group(2):
                out[m.group(1)] = m.group(2)
        return out

    def set(self, oid, kind, val):
        """snmpset through the read-write community: (exit status, output).
        No retries: a SET is not repeated behind the test's back."""
        res = self.host.exec("env", "MIBS=", "MIBDIRS=" + self.dir, "snmpset", "-v2c",
                             "-c", "private", "-On", "-t", "3", "-r", "0",
                             "udp:127.0.0.1:%d" % SNMP_PORT, oid, kind, str(val), check=False)
        return res.returncode, res.stdout + res.stderr

    def trap_text(self):
        """What snmptrapd logged so far."""
        try:
            with open(self.trap_log) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def cleanup(self):
        for p in self.procs:
            p.kill()


@pytest.fixture
def snmp(workdir):
    made = []

    def make(host, traps=False):
        s = Snmp(host, _mkdir(workdir), traps)
        made.append(s)
        return s
    yield make
    for s in made:
        s.cleanup()


def _mkdir(base):
    import tempfile
    return tempfile.mkdtemp(prefix="snmp.", dir=base)


def snmp_config(priority, agentx, router_id):
    return (configs.global_defs(router_id).replace(
        "}\n", "    snmp_socket unix:%s\n    enable_snmp_vrrp\n    enable_snmp_rfc\n"
        "    enable_traps\n}\n" % agentx, 1)
        + configs.vrrp_instance(priority=priority, version=3, advert_int=0.1)
        + "vrrp_sync_group SG {\n    group {\n        VI_1\n    }\n}\n")


def ifindex(host):
    return int(host.exec("cat", "/sys/class/net/eth0/ifindex").stdout)


def value(table, oid):
    for k, v in table.items():
        if k == oid:
            return v
    raise AssertionError("%s not in %s" % (oid, sorted(table)))


def number(text):
    return int(re.search(r"(-?\d+)\s*$", text).group(1))


def wait_walk(s, oid, want, timeout=15):
    """Waits until walking `oid` answers `want(table)`; returns the table."""
    last = {}

    def ok():
        last.clear()
        last.update(s.walk(oid))
        return want(last)
    wait_for(ok, timeout, "a walk of %s to satisfy the test" % oid,
             diagnose=lambda: "last walk: %r" % last)
    return dict(last)


def test_tables_show_state_and_failover_sends_new_master_traps(lan, vigild, snmp):
    sa, sb = snmp(lan[0]), snmp(lan[1], traps=True)
    sa.start_snmpd()
    sb.start_snmpd()
    sb.start_snmptrapd()
    a = vigild(lan[0], snmp_config(150, sa.agentx, "node-a"), name="a")
    b = vigild(lan[1], snmp_config(100, sb.agentx, "node-b"), name="b")
    a.start(workers=["vrrp"])
    b.start(workers=["vrrp"])
    a.wait(lambda: a.instance("VI_1")["state"] == "MASTER", "a to be MASTER")
    b.wait(lambda: b.instance("VI_1")["state"] == "BACKUP", "b to be BACKUP")
    ia, ib = ifindex(lan[0]), ifindex(lan[1])

    # VRRP-MIB (RFC 2787), indexed by ifIndex.vrid.
    row_a = "%d.51" % ia
    ta = wait_walk(sa, VRRP, lambda t: VRRP_OPER_STATE + "." + row_a in t)
    assert number(value(ta, VRRP_OPER_STATE + "." + row_a)) == 3          # master
    assert number(value(ta, VRRP_OPER_PRIO + "." + row_a)) == 150
    assert number(value(ta, VRRP_ASSO_STATUS + "." + row_a + "." + VIP)) == 1   # active
    tb = wait_walk(sb, VRRP, lambda t: VRRP_OPER_STATE + ".%d.51" % ib in t)
    assert number(value(tb, VRRP_OPER_STATE + ".%d.51" % ib)) == 2         # backup

    # VRRPv3-MIB (RFC 6527), indexed by ifIndex.vrid.ipv4(1).
    v3a = wait_walk(sa, V3, lambda t: V3_STATUS + "." + row_a + ".1" in t)
    assert number(value(v3a, V3_STATUS + "." + row_a + ".1")) == 3
    assert number(value(v3a, V3_PRIO + "." + row_a + ".1")) == 150
    assert number(value(v3a, V3_ADDR + "." + row_a + ".1.4." + VIP)) == 1
    # The backup counts the master's adverts (100 ms apart).
    rcvd = V3_RCVD + ".%d.51.1" % ib
    first = number(value(wait_walk(sb, V3, lambda t: rcvd in t), rcvd))
    time.sleep(1.0)
    assert number(value(sb.walk(V3), rcvd)) > first
    assert number(value(sb.walk(VRRP), VRRP_RCVD + ".%d.51" % ib)) > first

    # KEEPALIVED-MIB: the instance table, its addresses, the router id.
    ka = wait_walk(sa, KA, lambda t: KA_INST_NAME + ".1" in t)
    assert value(ka, KA_INST_NAME + ".1") == 'STRING: "VI_1"'
    assert number(value(ka, KA_INST_STATE + ".1")) == 2                   # master
    assert value(ka, KA_ROUTER_ID) == 'STRING: "node-a"'
    assert value(ka, KA_GROUP_NAME + ".1") == 'STRING: "SG"'
    assert "0A 00 00 64" in value(ka, KA_ADDR_VALUE + ".1.1").upper()      # 10.0.0.100

    # A peer-caused protocol error: an advert with TTL 1 (RFC 5798 7.1
    # wants 255) makes the backup count it and send vrrpv3ProtoError
    # with ipTtlError(1).
    lan[0].exec("/usr/bin/python3", "-c", BAD_TTL_ADVERT)

    # Failover: the backup becomes master and says so in three MIBs.
    lan.cut(lan[0])
    b.wait(lambda: b.instance("VI_1")["state"] == "MASTER", "b to take over")

    def trap_log():
        try:
            with open(sb.trap_log) as f:
                return f.read()
        except FileNotFoundError:
            return ""
    wait_for(lambda: all(o in trap_log() for o in (VRRP_NEW_MASTER, V3_NEW_MASTER,
                                                   KA_STATE_CHANGE, KA_GROUP_CHANGE,
                                                   V3_PROTO_ERROR)),
             10, "the new-master notifications", diagnose=lambda: trap_log()[-3000:])
    log = trap_log()
    # vrrpv3NewMaster carries the reason: masterNoResponse(3).
    assert re.search(re.escape(V3_NEW_MASTER_REASON) + r"\.%d\.51\.1 = INTEGER: 3" % ib, log), log
    assert re.search(re.escape(V3_PROTO_ERROR_REASON) + r"\.%d\.51\.1 = INTEGER: 1" % ib, log), log
    assert number(value(sb.walk(V3), V3_TTL_ERRORS + ".%d.51.1" % ib)) >= 1
    # The sync group's notification: vrrpSyncGroupState.1 = master(2).
    assert re.search(re.escape(KA + ".2.1.1.3.1") + r" = INTEGER: 2", log), log
    # The backup's table says master now, with the reason.
    t = wait_walk(sb, V3, lambda t: number(t.get(V3_STATUS + ".%d.51.1" % ib, "0")) == 3)
    assert number(value(t, V3_NEW_MASTER_REASON + ".%d.51.1" % ib)) == 3


def test_runs_without_master_agent_and_registers_after_restarts(host, vigild, snmp):
    s = snmp(host)
    d = vigild(host, snmp_config(150, s.agentx, "solo"), name="solo")
    d.start(workers=["vrrp"])
    # No snmpd: VRRP runs, the subagent says so once and retries quietly.
    d.wait(lambda: d.instance("VI_1")["state"] == "MASTER", "MASTER without snmpd")
    time.sleep(5)       # two retries at least (SNMP_SUBAGENT_PING_S = 2)
    assert d.log_text().count("master agent at unix:%s is unreachable" % s.agentx) == 1, \
        d.log_tail()
    row = V3_STATUS + ".%d.51.1" % ifindex(host)
    for _ in range(2):
        s.start_snmpd()
        started = time.monotonic()
        wait_walk(s, V3, lambda t: number(t.get(row, "0")) == 3, timeout=10)
        print("registered %.1f s after snmpd started" % (time.monotonic() - started))
        s.stop_snmpd()
        assert s.walk(V3) == {}
    assert d.instance("VI_1")["state"] == "MASTER"
    assert d.log_text().count("registered with the master agent") >= 2

    # A reload follows global_defs: VRRPv3-MIB withdrawn, KEEPALIVED-MIB kept.
    s.start_snmpd()
    wait_walk(s, V3, lambda t: row in t, timeout=10)
    d.write_config(snmp_config(150, s.agentx, "solo").replace("    enable_snmp_rfc\n", ""))
    assert d.ctl("reload").returncode == 0
    wait_walk(s, V3, lambda t: not t, timeout=10)
    assert s.walk(VRRP) == {}
    assert value(s.walk(KA), KA_INST_NAME + ".1") == 'STRING: "VI_1"'


KA_INST_BASE_PRIO = KA + ".2.3.1.7"     # vrrpInstanceBasePriority.index (read-write)
KA_INST_EFF_PRIO = KA + ".2.3.1.8"      # vrrpInstanceEffectivePriority.index


def test_base_priority_write_makes_the_backup_preempt(lan, vigild, snmp):
    sb = snmp(lan[1])
    sb.start_snmpd()
    a = vigild(lan[0], configs.global_defs("node-a")
               + configs.vrrp_instance(priority=150, version=3, advert_int=0.1), name="a")
    b = vigild(lan[1], snmp_config(100, sb.agentx, "node-b"), name="b")
    a.start(workers=["vrrp"])
    b.start(workers=["vrrp"])
    a.wait(lambda: a.instance("VI_1")["state"] == "MASTER", "a to be MASTER")
    b.wait(lambda: b.instance("VI_1")["state"] == "BACKUP", "b to be BACKUP")
    wait_walk(sb, KA, lambda t: KA_INST_BASE_PRIO + ".1" in t)

    # Refused, and nothing changes: 255 (the owner's) and 0 (resigning)
    # are out of range, a string is the wrong type, instance 9 is none.
    prio = KA_INST_BASE_PRIO + ".1"
    for oid, kind, val, why in ((prio, "i", 255, "wrongValue"), (prio, "i", 0, "wrongValue"),
                                (prio, "s", "200", "wrongType"),
                                (KA_INST_BASE_PRIO + ".9", "i", 200, "noCreation")):
        rc, out = sb.set(oid, kind, val)
        assert rc != 0 and why in out, out
    inst = b.instance("VI_1")
    assert (inst["priority"], inst["effective_priority"], inst["state"]) == (100, 100, "BACKUP")

    # 200: b's effective priority is 200 at once, it preempts a.
    rc, out = sb.set(prio, "i", 200)
    assert rc == 0, out
    inst = b.instance("VI_1")
    assert (inst["priority"], inst["configured_priority"], inst["effective_priority"]) \
        == (200, 100, 200), inst
    b.wait(lambda: b.instance("VI_1")["state"] == "MASTER", "b to preempt")
    a.wait(lambda: a.instance("VI_1")["state"] == "BACKUP", "a to give way")
    t = wait_walk(sb, KA, lambda t: number(t.get(prio, "0")) == 200)
    assert number(value(t, KA_INST_EFF_PRIO + ".1")) == 200

    # A reload restores the configured 100: a (150, preempting) takes over.
    assert b.ctl("reload").returncode == 0
    b.wait(lambda: b.instance("VI_1")["priority"] == 100, "the configured priority back")
    a.wait(lambda: a.instance("VI_1")["state"] == "MASTER", "a to take over again")
