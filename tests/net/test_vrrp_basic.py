"""The VRRP engine on a LAN of namespaces: election, failover, clean stop,
preemption, IPv6, unicast, several instances, VIP upkeep, and what goes on
the wire.

Most tests use VRRPv3 with 100 ms adverts, so the RFC master-down interval
(3 * interval + skew) is about 0.36 s; one test runs the realistic 1 s
VRRPv2 case.  Time bounds are generous: the takeover times printed (run
pytest with -s) are for reading, benchmarks are elsewhere."""

import ipaddress
import re
import socket
import subprocess
import time

import pytest
# Registers the VRRP layers before any capture is read.
from scapy.layers.inet import IP
from scapy.layers.vrrp import VRRP, VRRPv3

from vigiltest import configs
from vigiltest.capture import Capture
from vigiltest.wait import wait_for

FAST = 0.1                      # seconds between adverts in the v3 tests
VIP4 = "10.0.0.100"
VIP6 = "fd00:0::100"


def master_down_s(advert_int, priority, version=3):
    """RFC 5798 / RFC 3768 Master_Down_Interval in seconds."""
    if version == 2:
        return 3 * advert_int + (256 - priority) / 256.0
    return 3 * advert_int + (256 - priority) * advert_int / 256.0


def skew_s(advert_int, priority, version=3):
    if version == 2:
        return (256 - priority) / 256.0
    return (256 - priority) * advert_int / 256.0


def node_config(priority, vips=(VIP4 + "/24",), vrid=51, version=3, advert_int=FAST,
                extra="", name="VI_1", router_id="vigil-test"):
    return configs.global_defs(router_id) + configs.vrrp_instance(
        name=name, vrid=vrid, priority=priority, vips=vips, version=version,
        advert_int=advert_int, extra=extra)


def addresses(host, family="-4"):
    out = host.exec("ip", family, "-o", "addr", "show", "dev", "eth0").stdout
    return {ipaddress.ip_address(a) for a in re.findall(r"inet6? ([0-9a-f.:]+)/", out)}


def has_vip(host, vip=VIP4):
    family = "-6" if ":" in vip else "-4"
    return ipaddress.ip_address(vip) in addresses(host, family)


def state(d, name="VI_1"):
    return d.instance(name)["state"]


def wait_state(d, want, name="VI_1", timeout=10):
    return d.wait(lambda: state(d, name) == want and d.instance(name),
                  "%s to be %s" % (name, want), timeout)


def start_pair(lan, vigild, prio_a=150, prio_b=100, **kw):
    """Node a (priority prio_a) on host 1, node b on host 2; returns
    (a, b) once a is MASTER and b BACKUP."""
    a = vigild(lan[0], node_config(prio_a, **kw), name="a")
    b = vigild(lan[1], node_config(prio_b, **kw), name="b")
    a.start(workers=["vrrp"])
    b.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    wait_state(b, "BACKUP")
    return a, b


def adverts(pkts, src=None):
    """(time, ip src, priority, VRRP layer) of each VRRP packet."""
    out = []
    for p in pkts:
        layer = p.getlayer(VRRPv3) or p.getlayer(VRRP)
        if layer is None or IP not in p:
            continue
        if src is None or p[IP].src == src:
            out.append((float(p.time), p[IP].src, layer.priority, layer))
    return out


class ImmediateCapture(Capture):
    """tcpdump hands frames over only when a kernel buffer block fills or
    times out, so a capture stopped soon after the last frame can lose
    them: --immediate-mode hands each frame over at once."""

    def start(self, timeout=10):
        real_popen = self.netns.popen

        def popen(*argv, **kw):
            return real_popen(argv[0], "--immediate-mode", *argv[1:], **kw)
        self.netns.popen = popen
        try:
            return super().start(timeout)
        finally:
            del self.netns.popen


def capture(host, tmp_path, name, bpf="ip proto 112 or ip6 proto 112"):
    return ImmediateCapture(host, "eth0", str(tmp_path / (name + ".pcap")), bpf).start()


# ---- election and failover ----------------------------------------------------------


def test_higher_priority_is_elected_and_only_it_holds_the_vip(lan, vigild):
    a, b = start_pair(lan, vigild)
    ia, ib = a.instance("VI_1"), b.instance("VI_1")
    assert has_vip(lan[0]) and not has_vip(lan[1])
    assert ia["effective_priority"] == 150 and ib["priority"] == 100
    assert ib["master_address"] == lan[0].addr4
    assert ia["master_address"] == lan[0].addr4
    assert ia["last_transition"]["to"] == "MASTER"
    assert ia["last_transition"]["reason"] == "master down timer expired"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", ia["last_transition"]["time"])
    assert ia["stats"]["became_master"] == 1
    assert ib["stats"]["adverts_received"] > 0
    assert ib["stats"]["became_master"] == 0
    # The backup stays quiet.
    assert ib["stats"]["adverts_sent"] == 0


def test_master_cut_off_the_lan_backup_takes_over_within_master_down(lan, vigild, tmp_path):
    a, b = start_pair(lan, vigild)
    cap = capture(lan[1], tmp_path, "cut")
    time.sleep(3 * FAST)        # a few of a's adverts on record
    lan.cut(lan[0])
    cut_at = time.monotonic()
    wait_state(b, "MASTER", timeout=5)
    took = time.monotonic() - cut_at
    assert has_vip(lan[1])
    assert b.instance("VI_1")["last_transition"]["reason"] == "master down timer expired"
    # On the wire: from a's last advert to b's first one.
    ads = adverts(cap.packets())
    last_a = max(t for t, src, _, _ in ads if src == lan[0].addr4)
    first_b = min(t for t, src, _, _ in ads if src == lan[1].addr4 and t > last_a)
    gap = first_b - last_a
    md = master_down_s(FAST, 100)
    print("cut: takeover %.3fs after the cut, %.3fs after the last advert (RFC %.3fs)"
          % (took, gap, md))
    assert md - FAST <= gap <= md + 0.25
    assert took < md + 1.5


def test_clean_stop_sends_priority_zero_and_backup_takes_over_after_skew(lan, vigild,
                                                                          tmp_path):
    interval = 0.2     # master-down 0.72 s against a 0.12 s skew: far apart
    a, b = start_pair(lan, vigild, advert_int=interval)
    cap = capture(lan[1], tmp_path, "stop")
    assert a.stop() == 0
    wait_state(b, "MASTER", timeout=5)
    ads = adverts(cap.packets())
    zero = [t for t, src, prio, _ in ads if src == lan[0].addr4 and prio == 0]
    assert zero, "no priority 0 advert from the stopped master: %r" % ads
    first_b = min(t for t, src, prio, _ in ads if src == lan[1].addr4 and t > zero[0])
    gap = first_b - zero[0]
    print("clean stop: takeover %.3fs after the priority 0 advert (skew %.3fs, "
          "master-down %.3fs)" % (gap, skew_s(interval, 100), master_down_s(interval, 100)))
    assert gap < master_down_s(interval, 100) - interval
    st = b.instance("VI_1")
    assert st["last_transition"]["reason"] == "priority 0 advert received"
    assert st["stats"]["priority_zero_received"] >= 1
    assert has_vip(lan[1]) and not has_vip(lan[0])


def test_no_vip_is_left_after_stop(lan, vigild):
    a, b = start_pair(lan, vigild)
    b.stop()
    a.stop()
    assert not has_vip(lan[0]) and not has_vip(lan[1])


def test_stale_vip_from_a_crash_is_removed_at_start(lan, vigild):
    lan[1].exec("ip", "addr", "add", VIP4 + "/24", "dev", "eth0")
    a, b = start_pair(lan, vigild)
    assert has_vip(lan[0]) and not has_vip(lan[1])
    assert "left by an earlier run" in b.log_text()


# ---- preemption ---------------------------------------------------------------------


def test_higher_priority_node_returning_preempts(lan, vigild):
    a, b = start_pair(lan, vigild)
    a.stop()
    wait_state(b, "MASTER")
    a.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    wait_state(b, "BACKUP")
    assert b.instance("VI_1")["last_transition"]["reason"] == "higher priority advert received"
    assert has_vip(lan[0]) and not has_vip(lan[1])


def test_nopreempt_keeps_the_current_master(lan, vigild):
    a = vigild(lan[0], node_config(150, extra="    nopreempt\n"), name="a")
    b = vigild(lan[1], node_config(100), name="b")
    b.start(workers=["vrrp"])
    wait_state(b, "MASTER")
    a.start(workers=["vrrp"])
    wait_state(a, "BACKUP")
    time.sleep(10 * FAST)       # many master-down intervals
    assert state(a) == "BACKUP" and state(b) == "MASTER"
    assert a.instance("VI_1")["master_address"] == lan[1].addr4
    assert has_vip(lan[1]) and not has_vip(lan[0])


def test_equal_priority_is_won_by_the_higher_address(lan, vigild):
    # Apart, both become master; together, the equal priority tie-break
    # (RFC 5798 6.4.3) leaves 10.0.0.2 master.  The cut takes b's carrier
    # away, which puts an instance tracking its interface in FAULT (as
    # keepalived does): dont_track_primary keeps this a pure partition.
    lan.cut(lan[1])
    extra = "    dont_track_primary\n"
    a = vigild(lan[0], node_config(100, extra=extra), name="a")
    b = vigild(lan[1], node_config(100, extra=extra), name="b")
    a.start(workers=["vrrp"])
    b.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    wait_state(b, "MASTER")
    lan.mend(lan[1])
    wait_state(a, "BACKUP")
    assert a.instance("VI_1")["last_transition"]["reason"] == \
        "equal priority advert from higher address"
    time.sleep(5 * FAST)
    assert state(b) == "MASTER" and state(a) == "BACKUP"
    assert has_vip(lan[1]) and not has_vip(lan[0])


# ---- IPv6, unicast, several instances ------------------------------------------------------


def wait_link_local(host):
    """The link-local source of IPv6 adverts must have finished DAD."""
    def ready():
        out = host.exec("ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "link").stdout
        return "fe80" in out and "tentative" not in out
    wait_for(ready, 10, "a usable link-local address in %s" % host.name)


def test_ipv6_vip_fails_over(lan, vigild):
    for h in lan:
        wait_link_local(h)
    a, b = start_pair(lan, vigild, vips=(VIP6 + "/64",))
    assert has_vip(lan[0], VIP6) and not has_vip(lan[1], VIP6)
    ia = a.instance("VI_1")
    assert ia["master_address"].startswith("fe80:")
    assert b.instance("VI_1")["master_address"] == ia["master_address"]
    lan.cut(lan[0])
    wait_state(b, "MASTER", timeout=5)
    assert has_vip(lan[1], VIP6)


def unicast_extra(me, peer):
    return "    unicast_src_ip %s\n    unicast_peer {\n        %s\n    }\n" % (me.addr4, peer.addr4)


def test_unicast_peers_elect_fail_over_and_send_no_multicast(lan, vigild, tmp_path):
    h1, h2 = lan[0], lan[1]
    a = vigild(h1, node_config(150, extra=unicast_extra(h1, h2)), name="a")
    b = vigild(h2, node_config(100, extra=unicast_extra(h2, h1)), name="b")
    cap = capture(h2, tmp_path, "unicast")
    a.start(workers=["vrrp"])
    b.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    wait_state(b, "BACKUP")
    ads = [p for p in cap.packets() if VRRPv3 in p]
    assert ads and all(p[IP].dst == h2.addr4 and p[IP].src == h1.addr4 for p in ads
                       if p[IP].src == h1.addr4)
    assert all(p[IP].ttl == 255 for p in ads)
    lan.cut(h1)
    wait_state(b, "MASTER", timeout=5)
    assert has_vip(h2)


def test_unicast_advert_from_a_stranger_is_dropped(make_lan, vigild):
    lan = make_lan(3)
    h1, h2, h3 = lan[0], lan[1], lan[2]
    b = vigild(h2, node_config(100, extra=unicast_extra(h2, h1)), name="b")
    b.start(workers=["vrrp"])
    wait_state(b, "MASTER")
    # h3 is no peer of b: its higher priority advert must not demote b.
    send_scapy(h3, "IP(src=%r, dst=%r, ttl=255, proto=112)/VRRPv3(vrid=51, priority=200, "
               "ipcount=1, addrlist=[%r], adv=10)" % (h3.addr4, h2.addr4, VIP4), count=5)
    b.wait(lambda: b.instance("VI_1")["stats"]["drops"]["not_from_peer"] >= 5,
           "5 not_from_peer drops")
    assert state(b) == "MASTER"


def test_two_instances_with_opposite_masters(lan, vigild):
    def conf(p1, p2):
        return (configs.global_defs()
                + configs.vrrp_instance(name="VI_1", vrid=51, priority=p1, advert_int=FAST,
                                        vips=["10.0.0.100/24"])
                + configs.vrrp_instance(name="VI_2", vrid=52, priority=p2, advert_int=FAST,
                                        vips=["10.0.0.200/24"]))
    a = vigild(lan[0], conf(150, 100), name="a").start(workers=["vrrp"])
    b = vigild(lan[1], conf(100, 150), name="b").start(workers=["vrrp"])
    wait_state(a, "MASTER", "VI_1")
    wait_state(b, "MASTER", "VI_2")
    wait_state(a, "BACKUP", "VI_2")
    wait_state(b, "BACKUP", "VI_1")
    assert has_vip(lan[0], "10.0.0.100") and not has_vip(lan[0], "10.0.0.200")
    assert has_vip(lan[1], "10.0.0.200") and not has_vip(lan[1], "10.0.0.100")
    lan.cut(lan[1])
    wait_state(a, "MASTER", "VI_2", timeout=5)
    assert has_vip(lan[0], "10.0.0.200") and has_vip(lan[0], "10.0.0.100")


# ---- VIP upkeep --------------------------------------------------------------------


def test_vip_removed_by_hand_on_the_master_is_put_back(lan, vigild):
    a, b = start_pair(lan, vigild)
    lan[0].exec("ip", "addr", "del", VIP4 + "/24", "dev", "eth0")
    wait_for(lambda: has_vip(lan[0]), 5, "the VIP to be put back", diagnose=a.diagnose)
    a.wait(lambda: a.instance("VI_1")["stats"]["vips_restored"] == 1, "vips_restored 1")
    assert "removed behind our back" in a.log_text()
    assert state(a) == "MASTER" and not has_vip(lan[1])


# ---- the wire ----------------------------------------------------------------------


def checksum_ok(layer):
    """Rebuild the layer with scapy computing the checksum (pseudo-header
    for v3) and compare with what was sent."""
    ip = layer.underlayer
    clone = ip.copy()
    del clone.getlayer(type(layer)).chksum
    rebuilt = ip.__class__(bytes(clone))
    return rebuilt.getlayer(type(layer)).chksum == layer.chksum


def test_v3_adverts_on_the_wire_decode_with_valid_checksums(lan, vigild, tmp_path):
    cap = capture(lan[1], tmp_path, "v3")
    a = vigild(lan[0], node_config(150, vips=(VIP4 + "/24", "10.0.0.101/24")), name="a")
    a.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    time.sleep(3 * FAST)
    pkts = [p for p in cap.packets() if VRRPv3 in p]
    assert len(pkts) >= 3
    for p in pkts:
        v = p[VRRPv3]
        assert p[IP].ttl == 255 and p[IP].dst == "224.0.0.18" and p[IP].src == lan[0].addr4
        assert v.version == 3 and v.type == 1 and v.vrid == 51 and v.priority == 150
        assert v.adv == 10                  # centiseconds
        assert sorted(v.addrlist) == [VIP4, "10.0.0.101"]
        assert checksum_ok(v), p.show(dump=True)


def test_ipv6_adverts_have_hop_limit_255_and_valid_checksums(lan, vigild, tmp_path):
    from scapy.layers.inet6 import IPv6, in6_chksum
    for h in lan:
        wait_link_local(h)
    cap = capture(lan[1], tmp_path, "v6")
    a = vigild(lan[0], node_config(150, vips=(VIP6 + "/64",)), name="a")
    a.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    time.sleep(3 * FAST)
    pkts = [p for p in cap.packets() if IPv6 in p and p[IPv6].nh == 112]
    assert len(pkts) >= 3
    for p in pkts:
        v = VRRPv3(bytes(p[IPv6].payload))
        assert p[IPv6].hlim == 255 and p[IPv6].dst == "ff02::12"
        assert p[IPv6].src.startswith("fe80:")
        # scapy's VRRPv3 reads addresses as IPv4: compare the raw bytes.
        assert v.vrid == 51 and v.priority == 150 and v.ipcount == 1
        assert bytes(v)[8:24] == socket.inet_pton(socket.AF_INET6, VIP6)
        raw = bytearray(bytes(p[IPv6].payload))
        sent = int.from_bytes(raw[6:8], "big")
        raw[6:8] = b"\0\0"
        assert in6_chksum(112, p[IPv6], bytes(raw)) == sent


def test_v2_one_second_adverts_elect_and_fail_over(lan, vigild, tmp_path):
    cap = capture(lan[1], tmp_path, "v2")
    a, b = start_pair(lan, vigild, version=2, advert_int=1)
    lan.cut(lan[0])
    cut_at = time.monotonic()
    wait_state(b, "MASTER", timeout=8)
    took = time.monotonic() - cut_at
    pkts = [p for p in cap.packets() if VRRP in p]
    v2 = [p for p in pkts if p[IP].src == lan[0].addr4]
    assert v2
    for p in v2:
        v = p[VRRP]
        assert v.version == 2 and v.vrid == 51 and v.priority == 150 and v.adv == 1
        assert v.addrlist == [VIP4] and p[IP].ttl == 255
        assert checksum_ok(v)
    print("v2 1 s: takeover %.3fs after the cut (RFC master-down %.3fs)"
          % (took, master_down_s(1, 100, 2)))
    assert took < master_down_s(1, 100, 2) + 1.5


def test_gratuitous_arp_follows_becoming_master(lan, vigild, tmp_path):
    from scapy.layers.l2 import ARP, Ether
    cap = capture(lan[1], tmp_path, "garp", bpf="arp or ip proto 112")
    a = vigild(lan[0], node_config(150), name="a")
    a.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    time.sleep(0.3)
    pkts = cap.packets()
    mac = lan[0].exec("cat", "/sys/class/net/eth0/address").stdout.strip()
    garps = [p for p in pkts if ARP in p and p[ARP].psrc == VIP4 and p[ARP].pdst == VIP4]
    assert garps, [p.summary() for p in pkts]
    assert all(p[ARP].hwsrc == mac and p[Ether].dst == "ff:ff:ff:ff:ff:ff" for p in garps)
    first_advert = min(float(p.time) for p in pkts if VRRPv3 in p)
    # Sent with the first advert as master, not a timer later.
    assert float(garps[0].time) - first_advert < 0.05
    assert a.instance("VI_1")["stats"]["gratuitous_sent"] >= 1


# ---- bad packets ------------------------------------------------------------------


def send_scapy(host, packet_expr, count=1):
    """Send `packet_expr` (scapy syntax, IP layer and above) out of the
    host's eth0 with its real MAC (a bridge drops an all-zero source)."""
    script = ("from scapy.all import *\n"
              "from scapy.layers.vrrp import VRRP, VRRPv3\n"
              "conf.verb = 0\n"
              "pkt = Ether(src=get_if_hwaddr('eth0'), dst='01:00:5e:00:00:12')/%s\n"
              "sendp(pkt, iface='eth0', count=%d, inter=0.01)\n" % (packet_expr, count))
    host.exec("/usr/bin/python3", "-c", script, timeout=60)


def test_garbage_packet_is_counted_and_changes_nothing(make_lan, vigild):
    lan = make_lan(3)
    a = vigild(lan[0], node_config(150), name="a")
    b = vigild(lan[1], node_config(100), name="b")
    a.start(workers=["vrrp"])
    b.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    wait_state(b, "BACKUP")
    # VRID 51, priority 255 (would win), checksum left wrong on purpose.
    send_scapy(lan[2], "IP(src=%r, dst='224.0.0.18', ttl=255, proto=112)/"
               "VRRPv3(vrid=51, priority=255, ipcount=1, addrlist=[%r], adv=10, chksum=0x1234)"
               % (lan[2].addr4, VIP4), count=3)
    # TTL 64 on multicast: a packet from off the link.
    send_scapy(lan[2], "IP(src=%r, dst='224.0.0.18', ttl=64, proto=112)/"
               "VRRPv3(vrid=51, priority=255, ipcount=1, addrlist=[%r], adv=10)"
               % (lan[2].addr4, VIP4))
    # Random bytes.
    send_scapy(lan[2], "IP(src=%r, dst='224.0.0.18', ttl=255, proto=112)/Raw(b'\\x31\\x33junk')"
               % lan[2].addr4)
    for d in (a, b):
        d.wait(lambda: d.instance("VI_1")["stats"]["drops"]["bad_checksum"] == 3,
               "3 bad_checksum drops")
        drops = d.instance("VI_1")["stats"]["drops"]
        assert drops["bad_ttl"] == 1
        assert sum(drops.values()) == 5, drops
    assert "dropped" in a.log_text()
    time.sleep(5 * FAST)
    assert state(a) == "MASTER" and state(b) == "BACKUP"
    assert b.instance("VI_1")["master_address"] == lan[0].addr4
    assert a.running() and b.running()


# ---- reload ---------------------------------------------------------------------------


def reload(d, text):
    before = d.status()["reloads"]["count"]
    d.write_config(text)
    res = d.ctl("reload")
    assert res.returncode == 0, res
    d.wait(lambda: d.status()["reloads"]["count"] > before, "the reload to be counted")


def test_reload_keeps_unchanged_updates_priority_in_place_and_stops_removed(lan, vigild,
                                                                            tmp_path):
    two = (configs.global_defs()
           + configs.vrrp_instance(name="VI_1", vrid=51, priority=150, advert_int=FAST)
           + configs.vrrp_instance(name="VI_2", vrid=52, priority=150, advert_int=FAST,
                                   vips=["10.0.0.200/24"]))
    a = vigild(lan[0], two, name="a").start(workers=["vrrp"])
    wait_state(a, "MASTER", "VI_1")
    wait_state(a, "MASTER", "VI_2")
    t1 = a.instance("VI_1")["last_transition"]["time"]
    # Unchanged: untouched.  Priority: in place, still master.
    reload(a, two.replace("priority 150\n    version 3\n    advert_int 0.1\n    virtual_ipaddress "
                          "{\n        10.0.0.200", "priority 120\n    version 3\n    advert_int 0.1"
                          "\n    virtual_ipaddress {\n        10.0.0.200"))
    v1, v2 = a.instance("VI_1"), a.instance("VI_2")
    assert v1["state"] == "MASTER" and v1["last_transition"]["time"] == t1
    assert v1["stats"]["became_master"] == 1
    assert v2["state"] == "MASTER" and v2["priority"] == 120 and v2["effective_priority"] == 120
    assert v2["stats"]["became_master"] == 1
    # Removed: it resigns (priority 0) and its VIP goes; VI_1 stays.
    cap = capture(lan[1], tmp_path, "reload")
    reload(a, configs.global_defs()
           + configs.vrrp_instance(name="VI_1", vrid=51, priority=150, advert_int=FAST))
    assert [i["name"] for i in a.status()["vrrp"]["instances"]] == ["VI_1"]
    assert not has_vip(lan[0], "10.0.0.200") and has_vip(lan[0], VIP4)
    zero = [v for _, _, prio, v in adverts(cap.packets()) if prio == 0]
    assert zero and all(v.vrid == 52 for v in zero)
    assert a.instance("VI_1")["last_transition"]["time"] == t1
