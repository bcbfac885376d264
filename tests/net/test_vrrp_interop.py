"""vigild and Debian's keepalived 2.2.7 as VRRP peers on one LAN.

For each protocol combination (VRRPv2 and v3, IPv4 and IPv6, multicast and
unicast; the v2 unicast case with PASS authentication) one scenario runs
both ways round:

  1. vigil priority 250, keepalived 100: vigil wins, keepalived stays BACKUP
     for longer than its master-down interval (so it accepts vigil's
     adverts); vigil is cut off the LAN and keepalived takes over; vigil
     comes back and preempts; vigil stops cleanly and keepalived takes
     over on its priority 0 advert (keepalived logs reading it).
  2. vigil restarted with priority 90: keepalived (100, master) keeps the
     VIPs and vigil follows it as BACKUP; keepalived is cut off and vigil
     takes over a master-down interval after keepalived's last advert (so
     each advert reset its timer); keepalived comes back and preempts;
     keepalived stops cleanly and vigil takes over on its priority 0
     advert.

Throughout, vigil counts no drop for keepalived's adverts and keepalived
logs no complaint about vigil's.  Both hosts capture the VRRP traffic:
the takeover times are measured on the wire, and every packet vigil sent
that keepalived's host saw is decoded by tshark, which must report a good
checksum, no expert info, and the same version, VRID, interval, address
list, authentication and TTL / hop limit as keepalived's own adverts.

v3 runs with 100 ms adverts; the v2 cases use the realistic 1 s.  Time
bounds are generous; the takeover times print with pytest -s.  A last test
checks that vigil follows a keepalived sending the pre-1.3.6 unicast
checksum (`old_unicast_checksum`)."""

import ipaddress
import json
import re
import shutil
import subprocess
import time
from collections import namedtuple

import pytest

from vigiltest import configs
from vigiltest import keepalived as ka
from vigiltest.capture import Capture
from vigiltest.wait import wait_for

VRID = 51
# Two VIPs, so adverts carry an address list (order and count matter).
VIPS = {4: ("10.0.0.100", "10.0.0.101"), 6: ("fd00:0::100", "fd00:0::101")}
PREFIX = {4: 24, 6: 64}
PASSWORD = "vigil12"            # v2 simple text authentication (8 bytes at most)
GROUP = {4: "224.0.0.18", 6: "ff02::12"}
# vigil high and low near 255 and 100: short master-down intervals for
# vigil, the one side that must wait them out more than once.
VIGIL_HIGH, KEEPALIVED_PRIO, VIGIL_LOW = 250, 100, 90

Case = namedtuple("Case", "version family unicast interval password")
CASES = [
    Case(3, 4, False, 0.1, None),
    Case(3, 4, True, 0.1, None),
    Case(3, 6, False, 0.1, None),
    Case(3, 6, True, 0.1, None),
    Case(2, 4, False, 1, None),
    # keepalived's man page recommends authentication with unicast.
    Case(2, 4, True, 1, PASSWORD),
]


def case_id(c):
    return "v%d-ipv%d-%s%s-%sms" % (c.version, c.family,
                                    "unicast" if c.unicast else "multicast",
                                    "-pass" if c.password else "", int(c.interval * 1000))


pytestmark = [
    pytest.mark.skipif(not ka.available(), reason="keepalived is not installed"),
    pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed"),
]


# ---- RFC timers ---------------------------------------------------------------------


def skew_s(case, priority):
    scale = 1.0 if case.version == 2 else case.interval
    return (256 - priority) * scale / 256.0


def master_down_s(case, priority):
    return 3 * case.interval + skew_s(case, priority)


# ---- addresses and configurations ----------------------------------------------------


def link_local(host):
    """host's fe80:: address once duplicate address detection is over."""
    out = host.exec("ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "link").stdout
    if "tentative" in out:
        return None
    m = re.search(r"inet6 (fe80:[0-9a-f:]+)/", out)
    return m.group(1) if m else None


def sender_address(host, case):
    """The source address of the host's adverts, in the canonical form
    vigilctl and tshark print."""
    if case.family == 4:
        return host.addr4
    # Also with unicast: unsolicited neighbour adverts go out from it.
    ll = wait_for(lambda: link_local(host), 10, "a usable link-local address in %s" % host.name)
    return str(ipaddress.ip_address(host.addr6 if case.unicast else ll))


def instance_lines(case, me, peer):
    """What both daemons' instances add: unicast peers, authentication."""
    text = ""
    if case.unicast:
        mine, theirs = ((me.addr4, peer.addr4) if case.family == 4 else (me.addr6, peer.addr6))
        text += "    unicast_src_ip %s\n    unicast_peer {\n        %s\n    }\n" % (mine, theirs)
    if case.password:
        text += ("    authentication {\n        auth_type PASS\n        auth_pass %s\n    }\n"
                 % case.password)
    return text


def vip_lines(case):
    return tuple("%s/%d" % (v, PREFIX[case.family]) for v in VIPS[case.family])


def vigil_config(case, priority, me, peer):
    return configs.global_defs("vigil-interop") + configs.vrrp_instance(
        vrid=VRID, priority=priority, version=case.version, advert_int=case.interval,
        vips=vip_lines(case), extra=instance_lines(case, me, peer))


def keepalived_config(case, priority, me, peer):
    # check_unicast_src: keepalived also checks that vigil's unicast adverts
    # come from the configured peer address.
    extra = instance_lines(case, me, peer)
    if case.unicast:
        extra += "    check_unicast_src\n"
    return ka.config(vrid=VRID, priority=priority, version=case.version,
                     advert_int=case.interval,
                     vips=vip_lines(case), extra=extra)


def has_vip(host, case):
    """True if the host holds every VIP, False if none, else an error."""
    out = host.exec("ip", "-%d" % case.family, "-o", "addr", "show", "dev", "eth0").stdout
    found = {ipaddress.ip_address(a) for a in re.findall(r"inet6? ([0-9a-f.:]+)/", out)}
    held = [ipaddress.ip_address(v) in found for v in VIPS[case.family]]
    assert all(held) or not any(held), "%s holds only some VIPs: %s" % (host.name, out)
    return all(held)


# ---- fixtures and waits ---------------------------------------------------------------



def vigil_state(d):
    return d.instance("VI_1")["state"]


def wait_vigil(d, want, timeout):
    return d.wait(lambda: vigil_state(d) == want and d.instance("VI_1"),
                  "vigil's VI_1 to be %s" % want, timeout)


def wait_vip(host, case, present, timeout=5):
    wait_for(lambda: has_vip(host, case) == present, timeout,
             "the VIPs to be %s on %s" % ("present" if present else "absent", host.name))


def hold(started_at, seconds):
    """Sleep until `seconds` after `started_at` (time.monotonic())."""
    left = started_at + seconds - time.monotonic()
    if left > 0:
        time.sleep(left)


def capture(host, tmp_path, name):
    return Capture(host, "eth0", str(tmp_path / (name + ".pcap")),
                   "ip proto 112 or ip6 proto 112").start()


def following(d, master, adverts):
    """The instance once it is BACKUP, names `master` as master and has
    taken at least `adverts` adverts."""
    inst = d.instance("VI_1")
    ok = (inst["state"] == "BACKUP" and inst["master_address"] == master and
          inst["stats"]["adverts_received"] >= adverts)
    return ok and inst


def refused(k):
    """Failure text: keepalived's complaints, then its log tail."""
    return "keepalived's states %r; its complaints:\n    %s\n%s" % (
        k.transitions(), "\n    ".join(k.complaints()) or "(none)", k.diagnose())


def assert_no_drops(stats):
    drops = {k: v for k, v in stats["drops"].items() if v}
    assert not drops, "vigil dropped adverts from keepalived: %r" % drops
    assert stats["address_list_mismatch"] == 0, stats


# ---- tshark -----------------------------------------------------------------------------

TSHARK_FIELDS = ["frame.number", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
                 "ip.ttl", "ipv6.hlim", "vrrp.version", "vrrp.type", "vrrp.virt_rtr_id",
                 "vrrp.prio", "vrrp.addr_count", "vrrp.checksum.status", "vrrp.adver_int",
                 "vrrp.short_adver_int", "vrrp.ip_addr", "vrrp.ipv6_addr", "vrrp.auth_type",
                 "vrrp.auth_string",
                 "_ws.expert.severity", "_ws.expert.message", "_ws.malformed"]
Advert = namedtuple("Advert", [f.replace(".", "_").lstrip("_") for f in TSHARK_FIELDS])

# VRRPv3 over IPv4 with the pseudo-header in its checksum (RFC 5798, what
# both daemons send by default).
TSHARK_PREFS = ["-o", "vrrp.v3_checksum_as_in_v2:FALSE"]


class Tshark:
    """tshark run in the background: it takes a second or so to start,
    so the two readings of a capture run side by side."""

    def __init__(self, *args):
        self.args = args
        self.proc = subprocess.Popen(["tshark"] + TSHARK_PREFS + list(args), text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL)

    def output(self):
        out, err = self.proc.communicate(timeout=60)
        assert self.proc.returncode == 0, "tshark %s: %s" % (" ".join(self.args), err)
        return out


def tshark_fields(pcap):
    """Started: every VRRP packet in the capture as TSHARK_FIELDS."""
    argv = ["-r", pcap, "-Y", "vrrp", "-T", "fields", "-E", "separator=/t",
            "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in TSHARK_FIELDS:
        argv += ["-e", f]
    return Tshark(*argv)


def tshark_dissection(pcap, case, src):
    """Started: tshark's full text dissection of the VRRP packets from src."""
    src_field = "ip.src" if case.family == 4 else "ipv6.src"
    return Tshark("-r", pcap, "-V", "-Y", "vrrp && %s == %s" % (src_field, src))


def parse_fields(text):
    out = []
    for line in text.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(TSHARK_FIELDS) - len(cols))
        out.append(Advert(*cols))
    return out


def tshark_adverts(pcap):
    return parse_fields(tshark_fields(pcap).output())


def src_of(a):
    return a.ip_src or a.ipv6_src


def dst_of(a):
    return a.ip_dst or a.ipv6_dst


def sent_by(adverts, addr):
    return [a for a in adverts if src_of(a) == addr]


def stop_capture(cap):
    """Stops it once; the pcap path."""
    path = cap.stop()
    assert cap.early_exit is None, cap.early_exit
    return path


def heard(pcap):
    """(time, source, priority) of each VRRP packet in a capture, read with
    scapy (tshark is slow to start; it only judges the packets)."""
    from scapy.all import rdpcap
    from scapy.layers.inet import IP
    from scapy.layers.inet6 import IPv6
    out = []
    for pkt in rdpcap(pcap):
        ip = pkt.getlayer(IP) or pkt.getlayer(IPv6)
        proto = ip.proto if isinstance(ip, IP) else ip.nh if ip is not None else None
        payload = bytes(ip.payload) if proto == 112 else b""
        if len(payload) >= 3:
            out.append((float(pkt.time), str(ipaddress.ip_address(ip.src)), payload[2]))
    return out


def when(records, addr, priority=None):
    return [t for t, src, prio in records
            if src == addr and (priority is None or prio == priority)]


def gap_after_cut(records, gone, survivor, survivor_priority):
    """From the departed master's last advert to the survivor's first one
    as master (the first it sent with that priority)."""
    first = min(when(records, survivor, survivor_priority))
    return first - max(t for t in when(records, gone) if t < first)


def gap_after_priority_zero(records, gone, survivor, since):
    """From the departing master's first priority 0 advert after `since`
    (time.time() just before it was stopped) to the survivor's first
    advert after it.  (keepalived also sends priority 0 when its link goes
    down, which a unicast socket may deliver once the link is back.)"""
    zero = min(t for t in when(records, gone, 0) if t >= since)
    return min(t for t in when(records, survivor) if t > zero) - zero


def shape(a):
    """What must be the same in every advert of one virtual router, from
    whichever daemon: all but the priority and the checksum."""
    addrs = (a.vrrp_ip_addr or a.vrrp_ipv6_addr).split(",")
    return {"version": a.vrrp_version, "type": a.vrrp_type, "vrid": a.vrrp_virt_rtr_id,
            "ttl": a.ip_ttl or a.ipv6_hlim, "count": a.vrrp_addr_count,
            "interval": a.vrrp_adver_int or a.vrrp_short_adver_int,
            "addresses": frozenset(ipaddress.ip_address(x) for x in addrs if x),
            "auth_type": a.vrrp_auth_type, "auth_string": a.vrrp_auth_string}


def expected_shape(case):
    v2 = case.version == 2
    return {"version": str(case.version), "type": "1", "vrid": str(VRID), "ttl": "255",
            "count": str(len(VIPS[case.family])),
            "interval": "1" if v2 else str(round(case.interval * 100)),
            "addresses": frozenset(ipaddress.ip_address(x) for x in VIPS[case.family]),
            "auth_type": ("1" if case.password else "0") if v2 else "",
            "auth_string": case.password or ""}


def check_vigil_packets(pcap, case, adverts, dissection, vigil_addr, keepalived_addr):
    """tshark's verdict (fields and full dissection) on every advert vigil
    sent that reached keepalived's host, and on keepalived's for
    comparison; returns vigil's priorities."""
    mine, theirs = sent_by(adverts, vigil_addr), sent_by(adverts, keepalived_addr)
    assert len(mine) >= 5, "too few adverts from vigil in %s: %d" % (pcap, len(mine))
    assert theirs, "no advert from keepalived in %s" % pcap
    want_dst = keepalived_addr if case.unicast else GROUP[case.family]
    want = expected_shape(case)
    # keepalived 2.2.7 sends IPv6 unicast adverts with hop limit 64 (RFC
    # 5798 says 255, which vigil sends and does not demand on unicast).
    lax = dict(want, ttl="64") if case.family == 6 and case.unicast else want
    for a in mine + theirs:
        where = "frame %s of %s: %r" % (a.frame_number, pcap, a)
        assert a.vrrp_checksum_status == "1", "checksum not good: " + where
        assert not a.ws_expert_message and not a.ws_malformed, "tshark complains: " + where
        assert shape(a) == (want if a in mine else lax), where
    assert all(dst_of(a) == want_dst for a in mine), mine[:3]
    # The full dissection of vigil's frames: no expert info, no
    # "incorrect" checksum, nothing malformed in any layer.
    assert dissection.count("Virtual Router Redundancy Protocol") == len(mine)
    for bad in ("[Expert Info", "incorrect", "Malformed", "[Checksum Status: Bad]"):
        assert bad not in dissection, "tshark -V says %r about vigil's packets in %s" % (bad,
                                                                                      pcap)
    assert dissection.count("[Checksum Status: Good]") == len(mine)
    return {int(a.vrrp_prio) for a in mine}


# ---- the scenario -------------------------------------------------------------------------


class Pair:
    """vigil on host 1 and keepalived on host 2 of one LAN, with the VRRP
    traffic captured on both hosts, and what the steps learn on the way."""

    def __init__(self, case, lan, vigild, keepalived_peer, tmp_path):
        self.case, self.lan, self.make_vigild = case, lan, vigild
        self.hv, self.hk = lan[0], lan[1]
        self.v_addr = sender_address(self.hv, case)
        self.k_addr = sender_address(self.hk, case)
        self.cap_v = capture(self.hv, tmp_path, "at-vigil")
        self.cap_k = capture(self.hk, tmp_path, "at-keepalived")
        self.k = keepalived_peer(self.hk, keepalived_config(case, KEEPALIVED_PRIO, self.hk, self.hv))
        self.vigil_stopped_at = self.keepalived_stopped_at = None
        self.vigil_stats = []
        self.vigils = []

    def md(self, priority):
        return master_down_s(self.case, priority)

    def vigil(self, priority, name):
        d = self.make_vigild(self.hv, vigil_config(self.case, priority, self.hv, self.hk),
                             name=name)
        self.vigils.append(d)
        return d

    def vigil_transitions(self):
        return [t for d in self.vigils
                for t in re.findall(r"VRRP instance VI_1: \w+ -> (\w+)", d.log_text())]

    def vips_on(self, holder, only=True):
        """The holder has the VIPs and (if `only`) the other host none.  A
        host cut off the LAN may keep them: it is master of a LAN of one."""
        other = self.hk if holder is self.hv else self.hv
        wait_vip(holder, self.case, True)
        if only:
            wait_vip(other, self.case, False)

    def saw_priority_zero(self, mark):
        # keepalived's own word that it read vigil's priority 0 advert.
        self.k.wait(lambda: "Backup received priority 0 advertisement" in self.k.log_after(mark),
                    "keepalived to log vigil's priority 0 advert", 5)


def vigil_higher(p):
    """Phase 1: vigil 250 wins against keepalived 100, dies, returns,
    stops cleanly; keepalived follows each step."""
    case, k = p.case, p.k
    high = p.vigil(VIGIL_HIGH, "vigil-high")
    high.start(workers=["vrrp"])
    # At 100 ms keepalived starts once vigil is master; at 1 s while vigil
    # waits out its master-down interval (keepalived's is longer), to save
    # seconds.
    if case.interval < 1:
        wait_vigil(high, "MASTER", 5)
    k.start()
    k_started = time.monotonic()
    wait_vigil(high, "MASTER", p.md(VIGIL_HIGH) + 5)
    # Longer than keepalived's master-down interval: it would have taken
    # over had it refused vigil's adverts.
    hold(k_started, p.md(KEEPALIVED_PRIO) + max(case.interval / 2, 0.1))
    assert k.transitions() == ["BACKUP"], refused(k)
    p.vips_on(p.hv)
    assert high.instance("VI_1")["master_address"] == p.v_addr
    # Cut off the LAN: keepalived takes over.
    p.lan.cut(p.hv)
    k.wait_state("MASTER", timeout=p.md(KEEPALIVED_PRIO) + 5)
    p.vips_on(p.hk, only=False)
    # Back: vigil preempts, keepalived yields to its advert.
    p.lan.mend(p.hv)
    k.wait_state("BACKUP", timeout=p.md(VIGIL_HIGH) + 5)
    p.vips_on(p.hv)
    assert vigil_state(high) == "MASTER"
    # Clean stop: keepalived takes over on vigil's priority 0.
    p.vigil_stats.append(high.instance("VI_1")["stats"])
    mark, p.vigil_stopped_at = k.since(), time.time()
    assert high.stop() == 0
    k.wait_state("MASTER", timeout=5)
    p.saw_priority_zero(mark)
    p.vips_on(p.hk)


def keepalived_higher(p):
    """Phase 2: vigil 90 against keepalived 100 (master): vigil stays
    BACKUP, takes over when keepalived dies, yields when it returns, and
    takes over on its priority 0."""
    k = p.k
    low = p.vigil(VIGIL_LOW, "vigil-low")
    low.start(workers=["vrrp"])
    # Two adverts taken: the cut below comes over an interval after vigil
    # started, so a vigil whose timer they did not reset would take over
    # too early after keepalived's last advert (check_timings).
    inst = low.wait(lambda: following(low, p.k_addr, 2), "vigil to follow keepalived",
                    p.md(VIGIL_LOW) + 5)
    assert inst["state"] == "BACKUP" and inst["stats"]["became_master"] == 0, inst
    assert k.state() == "MASTER"
    p.vips_on(p.hk)
    # keepalived cut off: vigil takes over.
    p.lan.cut(p.hk)
    inst = wait_vigil(low, "MASTER", p.md(VIGIL_LOW) + 5)
    assert inst["last_transition"]["reason"] == "master down timer expired"
    p.vips_on(p.hv, only=False)
    # Back (keepalived passes through FAULT and BACKUP): it preempts.
    p.lan.mend(p.hk)
    wait_vigil(low, "BACKUP", p.md(KEEPALIVED_PRIO) + 5)
    k.wait_state("MASTER", timeout=5)
    p.vips_on(p.hk)
    # keepalived may pass through its states once more after coming back
    # (seen on a loaded machine): stop it only once vigil has followed
    # three of its adverts in a row as BACKUP.
    settled = low.instance("VI_1")["stats"]["adverts_received"]
    low.wait(lambda: vigil_state(low) == "BACKUP"
             and low.instance("VI_1")["stats"]["adverts_received"] >= settled + 3,
             "vigil to follow keepalived again", p.md(VIGIL_LOW) + 5)
    # keepalived stops cleanly: vigil takes over on its priority 0.
    p.keepalived_stopped_at = time.time()
    k.terminate()
    inst = wait_vigil(low, "MASTER", 5)
    assert inst["last_transition"]["reason"] == "priority 0 advert received"
    assert inst["stats"]["priority_zero_received"] >= 1
    assert inst["stats"]["adverts_received"] >= 3, inst["stats"]
    p.vips_on(p.hv)
    p.vigil_stats.append(inst["stats"])
    assert low.stop() == 0
    assert k.stop() == 0


def check_timings(p):
    """Takeover times on the wire against the RFC figures (printed with
    pytest -s; asserted with generous bounds).  A takeover after a cut must
    not come sooner than half an interval before the master-down interval
    after the last advert: that advert did reset the survivor's timer."""
    case = p.case
    at_k, at_v = heard(p.cap_k.path), heard(p.cap_v.path)
    timings = [
        ("keepalived after vigil's cut", p.md(KEEPALIVED_PRIO),
         gap_after_cut(at_k, p.v_addr, p.k_addr, KEEPALIVED_PRIO)),
        ("keepalived after vigil's priority 0", skew_s(case, KEEPALIVED_PRIO),
         gap_after_priority_zero(at_k, p.v_addr, p.k_addr, p.vigil_stopped_at)),
        ("vigil after keepalived's cut", p.md(VIGIL_LOW),
         gap_after_cut(at_v, p.k_addr, p.v_addr, VIGIL_LOW)),
        ("vigil after keepalived's priority 0", skew_s(case, VIGIL_LOW),
         gap_after_priority_zero(at_v, p.k_addr, p.v_addr, p.keepalived_stopped_at)),
    ]
    print("\n%s takeover on the wire (RFC figure):" % case_id(case))
    for what, rfc, gap in timings:
        print("    %-38s %.3fs (%.3fs)" % (what, gap, rfc))
    slack = max(0.5, case.interval)
    for what, rfc, gap in timings:
        low = rfc - case.interval / 2 if "cut" in what else 0
        assert low <= gap <= rfc + slack, (what, gap, rfc)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_vigil_and_keepalived_interoperate(case, make_lan, vigild, keepalived_peer, tmp_path):
    p = Pair(case, make_lan(2), vigild, keepalived_peer, tmp_path)
    vigil_higher(p)
    keepalived_higher(p)
    # Nothing refused either way.
    for stats in p.vigil_stats:
        assert_no_drops(stats)
    assert p.k.complaints() == [], refused(p.k)
    pcap = stop_capture(p.cap_k)
    stop_capture(p.cap_v)
    fields, dissection = tshark_fields(pcap), tshark_dissection(pcap, case, p.v_addr)
    check_timings(p)
    priorities = check_vigil_packets(pcap, case, parse_fields(fields.output()),
                                     dissection.output(), p.v_addr, p.k_addr)
    assert {VIGIL_HIGH, 0} <= priorities <= {VIGIL_HIGH, VIGIL_LOW, 0}, priorities
    print("    tshark: vigil's adverts decode cleanly (priorities %s)"
          % json.dumps(sorted(priorities)))
    print("    keepalived's states: %s" % " ".join(p.k.transitions()))
    print("    vigil's states:      %s" % " ".join(p.vigil_transitions()))


def test_vigil_accepts_keepalived_old_unicast_checksum(make_lan, vigild, keepalived_peer, tmp_path):
    """keepalived's `old_unicast_checksum` (the v3 unicast checksum of
    keepalived before 1.3.6: the pseudo-header names the multicast group,
    not the peer) is recognised: vigil follows such a master as BACKUP
    beyond its master-down interval, dropping nothing."""
    case = Case(3, 4, True, 0.1, None)
    lan = make_lan(2)
    hv, hk = lan[0], lan[1]
    cap = capture(hv, tmp_path, "old-checksum")
    text = keepalived_config(case, KEEPALIVED_PRIO, hk, hv)
    k = keepalived_peer(hk, text.replace("    check_unicast_src\n",
                                    "    check_unicast_src\n    old_unicast_checksum\n"))
    k.start()
    k.wait_state("MASTER", timeout=master_down_s(case, KEEPALIVED_PRIO) + 5)
    low = vigild(hv, vigil_config(case, VIGIL_LOW, hv, hk), name="vigil-low")
    low.start(workers=["vrrp"])
    started = time.monotonic()
    low.wait(lambda: low.instance("VI_1")["master_address"] == hk.addr4,
             "vigil to learn keepalived as master", 5)
    hold(started, master_down_s(case, VIGIL_LOW) + 5 * case.interval)
    inst = low.instance("VI_1")
    assert inst["state"] == "BACKUP" and inst["stats"]["became_master"] == 0, inst
    assert inst["stats"]["adverts_received"] >= 5, inst["stats"]
    assert_no_drops(inst["stats"])
    assert has_vip(hk, case) and not has_vip(hv, case)
    # keepalived really sent the old form: by RFC 5798 its checksums are bad.
    theirs = sent_by(tshark_adverts(stop_capture(cap)), hk.addr4)
    assert theirs and all(a.vrrp_checksum_status == "0" for a in theirs), theirs[:3]


def with_old_checksum(text, option="old_unicast_checksum"):
    """The config with `option` added to its unicast instance."""
    assert "    unicast_peer {\n" in text
    return text.replace("    unicast_peer {\n", "    %s\n    unicast_peer {\n" % option, 1)


@pytest.mark.parametrize("vigil_option", [None, "old_unicast_checksum"],
                         ids=["vigil-follows", "vigil-configured"])
def test_keepalived_old_unicast_checksum_follows_vigil_master(make_lan, vigild, keepalived_peer,
                                                               tmp_path, vigil_option):
    """keepalived with `old_unicast_checksum` and vigil the higher priority:
    keepalived accepts vigil's adverts and stays BACKUP.  vigil sends the
    old form because it is configured to, or (by default) because it heard
    keepalived send it before taking over."""
    case = Case(3, 4, True, 0.1, None)
    lan = make_lan(2)
    hv, hk = lan[0], lan[1]
    cap = capture(hv, tmp_path, "old-checksum-vigil-master")
    k = keepalived_peer(hk, with_old_checksum(keepalived_config(case, KEEPALIVED_PRIO, hk, hv)))
    text = vigil_config(case, VIGIL_HIGH, hv, hk)
    high = vigild(hv, with_old_checksum(text) if vigil_option else text, name="vigil-high")
    if vigil_option:
        high.start(workers=["vrrp"])
        wait_vigil(high, "MASTER", master_down_s(case, VIGIL_HIGH) + 5)
        k.start()
    else:
        k.start()
        k.wait_state("MASTER", timeout=master_down_s(case, KEEPALIVED_PRIO) + 5)
        high.start(workers=["vrrp"])
        wait_vigil(high, "MASTER", master_down_s(case, VIGIL_HIGH) + 5)
    k.wait_state("BACKUP", timeout=5)
    settled, started = len(k.transitions()), time.monotonic()
    hold(started, master_down_s(case, KEEPALIVED_PRIO) + 10 * case.interval)
    # BACKUP beyond its master-down interval: vigil's adverts count.
    assert k.transitions()[settled:] == [] and k.state() == "BACKUP", refused(k)
    inst = high.instance("VI_1")
    assert inst["state"] == "MASTER" and inst["checksum_form"] == "old_unicast", inst
    assert "Invalid VRRPv3 checksum" not in k.log_text(), refused(k)
    assert k.complaints() == [], refused(k)
    assert has_vip(hv, case) and not has_vip(hk, case)
    followed = "sends the old (pre-1.3.6) unicast checksum" in high.log_text()
    assert followed == (vigil_option is None)
    ours = sent_by(tshark_adverts(stop_capture(cap)), hv.addr4)
    # In the old form, so bad by RFC 5798, as keepalived's own.
    assert ours and ours[-1].vrrp_checksum_status == "0", ours[-3:]


@pytest.mark.parametrize("follower_option", [None, "old_unicast_checksum never"],
                         ids=["follows", "never"])
def test_vigil_pair_old_unicast_checksum(make_lan, vigild, tmp_path, follower_option):
    """Two vigil nodes in unicast, the first master with
    `old_unicast_checksum`: the second (higher) switches to the old form
    when it hears it, logging it once, unless told `never`; either way the
    pair agrees on who is master and drops nothing."""
    case = Case(3, 4, True, 0.1, None)
    lan = make_lan(2)
    h_old, h_new = lan[0], lan[1]
    cap = capture(h_old, tmp_path, "old-checksum-vigil-pair")
    old = vigild(h_old, with_old_checksum(vigil_config(case, VIGIL_LOW, h_old, h_new)),
                 name="vigil-old")
    text = vigil_config(case, VIGIL_HIGH, h_new, h_old)
    new = vigild(h_new, with_old_checksum(text, follower_option) if follower_option else text,
                 name="vigil-new")
    old.start(workers=["vrrp"])
    wait_vigil(old, "MASTER", master_down_s(case, VIGIL_LOW) + 5)
    assert old.instance("VI_1")["checksum_form"] == "old_unicast"
    new.start(workers=["vrrp"])
    wait_vigil(new, "MASTER", master_down_s(case, VIGIL_HIGH) + 5)
    inst_old = old.wait(lambda: following(old, h_new.addr4, 10), "vigil-old to follow", 5)
    inst_new = new.instance("VI_1")
    want = "pseudo_header" if follower_option else "old_unicast"
    assert inst_new["checksum_form"] == want, inst_new
    notices = new.log_text().count("sends the old (pre-1.3.6) unicast checksum")
    assert notices == (0 if follower_option else 1)
    assert_no_drops(inst_old["stats"])
    assert_no_drops(inst_new["stats"])
    ours = sent_by(tshark_adverts(stop_capture(cap)), h_new.addr4)
    # tshark checks the RFC 5798 form: "1" good, "0" bad (the old form).
    assert ours and ours[-1].vrrp_checksum_status == ("1" if follower_option else "0"), ours[-3:]
