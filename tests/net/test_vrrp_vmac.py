"""use_vmac and vmac_xmit_base: the virtual router MAC of RFC 5798 7.3
(00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6) on a private
macvlan that holds the VIPs, on a LAN of three hosts: two routers and a
client that must see the VIP at the virtual MAC whoever is master.

VRRPv3 with 100 ms adverts throughout, as in test_vrrp_basic.py."""

import ipaddress
import json
import re
import signal
import time

import pytest
from scapy.layers.inet import IP
from scapy.layers.inet6 import ICMPv6ND_NA, ICMPv6NDOptDstLLAddr, IPv6
from scapy.layers.l2 import ARP, Ether
from scapy.layers.vrrp import VRRP, VRRPv3

from vigiltest import configs, keepalived
from vigiltest.capture import Capture
from vigiltest.wait import wait_for

FAST = 0.1
VRID = 51
VMAC = "vrrp.%d" % VRID
MAC4 = "00:00:5e:00:01:%02x" % VRID
MAC6 = "00:00:5e:00:02:%02x" % VRID
VIP4 = "10.0.0.100"
VIP6 = "fd00:0::100"


def node_config(priority, vips=(VIP4 + "/24",), extra="use_vmac\n", vrid=VRID):
    return configs.global_defs() + configs.vrrp_instance(
        vrid=vrid, priority=priority, vips=vips, version=3, advert_int=FAST,
        extra="    " + extra.replace("\n", "\n    ").rstrip(" "))


def link(host, ifname):
    """`ip -d -j link show` of ifname, or None when there is none."""
    res = host.exec("ip", "-d", "-j", "link", "show", "dev", ifname, check=False)
    return json.loads(res.stdout)[0] if res.returncode == 0 else None


def addrs(host, ifname, family="-4"):
    out = host.exec("ip", family, "-o", "addr", "show", "dev", ifname).stdout
    return {ipaddress.ip_address(a) for a in re.findall(r"inet6? ([0-9a-f.:]+)/", out)}


def sysctl(host, path):
    return int(host.exec("cat", "/proc/sys/net/" + path).stdout)


def mac_of(host, ifname="eth0"):
    return host.exec("cat", "/sys/class/net/%s/address" % ifname).stdout.strip()


def state(d):
    return d.instance("VI_1")["state"]


def wait_state(d, want, timeout=10):
    return d.wait(lambda: state(d) == want, "VI_1 to be " + want, timeout)


def start_pair(lan, vigild, extra="use_vmac\n", vips=(VIP4 + "/24",)):
    a = vigild(lan[0], node_config(150, vips, extra), name="a")
    b = vigild(lan[1], node_config(100, vips, extra), name="b")
    a.start(workers=["vrrp"])
    b.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    wait_state(b, "BACKUP")
    return a, b


def capture(host, tmp_path, name, bpf):
    return Capture(host, "eth0", str(tmp_path / (name + ".pcap")), bpf).start()


def vrrp_frames(pkts):
    return [p for p in pkts if p.haslayer(VRRPv3) or p.haslayer(VRRP)]


def assert_vmac(host, mac, vip=None, family="-4"):
    """The VMAC exists as vigil makes it: a private macvlan on eth0 with
    `mac`, up, ARP answered only for its own addresses, no IPv6 link-local
    address of its own; `vip` on it (not on eth0) or, with None, nothing."""
    info = link(host, VMAC)
    assert info, "no %s on %s" % (VMAC, host.name)
    assert info["address"] == mac
    assert info["link"] == "eth0"
    assert info["linkinfo"]["info_kind"] == "macvlan"
    assert info["linkinfo"]["info_data"]["mode"] == "private"
    assert "UP" in info["flags"]
    assert sysctl(host, "ipv4/conf/%s/arp_ignore" % VMAC) == 1
    assert sysctl(host, "ipv4/conf/eth0/arp_ignore") == 1
    assert sysctl(host, "ipv6/conf/%s/addr_gen_mode" % VMAC) == 1
    assert addrs(host, VMAC, "-6") == ({ipaddress.ip_address(vip)} if vip and family == "-6"
                                       else set())
    assert addrs(host, VMAC, "-4") == ({ipaddress.ip_address(vip)} if vip and family == "-4"
                                       else set())
    if vip:
        assert ipaddress.ip_address(vip) not in addrs(host, "eth0", family)


def client_sees_vip_at(client, vip, mac):
    """The client forgets what it knew, reaches the VIP and finds it at `mac`."""
    client.exec("ip", "neigh", "flush", "dev", "eth0")
    ping = "ping6" if ":" in vip else "ping"
    client.exec(ping, "-c", "2", "-i", "0.2", "-W", "1", vip)
    out = client.exec("ip", "neigh", "show", vip, "dev", "eth0").stdout
    assert "lladdr " + mac in out, out


# ---- IPv4 ---------------------------------------------------------------------------


def test_master_vip_on_vmac_adverts_and_garp_from_virtual_mac_then_failover(
        make_lan, vigild, tmp_path):
    lan = make_lan(3)
    client = lan[2]
    cap = capture(client, tmp_path, "v4", "ip proto 112 or arp")
    a, b = start_pair(lan, vigild)
    assert a.instance("VI_1")["vmac"] == VMAC
    assert a.instance("VI_1")["advert_interface"] == VMAC
    assert a.instance("VI_1")["not_implemented"] == []
    # A new namespace reports link-local groups: the operator is told.
    assert "igmp_link_local_mcast_reports=0" in a.log_text()
    assert_vmac(lan[0], MAC4, VIP4)
    assert_vmac(lan[1], MAC4, None)
    assert b.instance("VI_1")["stats"]["adverts_received"] > 0
    client_sees_vip_at(client, VIP4, MAC4)
    pkts = cap.packets()

    ads = [p for p in vrrp_frames(pkts) if p[IP].src == lan[0].addr4]
    assert ads, "no advert from a"
    assert {p[Ether].src for p in ads} == {MAC4}
    garps = [p for p in pkts if ARP in p and p[ARP].op == 1 and p[ARP].psrc == VIP4
             and p[ARP].pdst == VIP4]
    assert garps, "no gratuitous ARP for the VIP"
    assert {(p[Ether].src, p[ARP].hwsrc) for p in garps} == {(MAC4, MAC4)}
    # Only the VMAC answers for the VIP: the base's arp_ignore keeps a
    # second answer with a's own MAC off the wire.
    replies = [p for p in pkts if ARP in p and p[ARP].op == 2 and p[ARP].psrc == VIP4]
    assert replies and {p[ARP].hwsrc for p in replies} == {MAC4}
    # Nor does a's base ask for the client in the VIP's name with its own
    # MAC, which would repoint the client's entry (arp_announce 2).
    assert {p[ARP].hwsrc for p in pkts if ARP in p and p[ARP].psrc == VIP4} == {MAC4}
    assert "lladdr " + MAC4 in client.exec("ip", "neigh", "show", VIP4).stdout

    cap = capture(client, tmp_path, "v4-failover", "ip proto 112")
    lan.cut(lan[0])
    wait_state(b, "MASTER", timeout=5)
    assert_vmac(lan[1], MAC4, VIP4)
    # Same MAC: the client reaches the new master without relearning.
    out = client.exec("ip", "neigh", "show", VIP4, "dev", "eth0").stdout
    assert "lladdr " + MAC4 in out
    client.exec("ping", "-c", "1", "-W", "1", VIP4)
    time.sleep(3 * FAST)
    ads = [p for p in vrrp_frames(cap.packets()) if p[IP].src == lan[1].addr4]
    assert ads and {p[Ether].src for p in ads} == {MAC4}

    # A clean stop removes the VMAC and gives the base its ARP setting back.
    assert b.stop() == 0
    assert link(lan[1], VMAC) is None
    assert sysctl(lan[1], "ipv4/conf/eth0/arp_ignore") == 0
    assert a.stop() == 0
    assert link(lan[0], VMAC) is None


def test_vmac_xmit_base_sends_adverts_from_the_base_mac(make_lan, vigild, tmp_path):
    lan = make_lan(3)
    cap = capture(lan[2], tmp_path, "xmit", "ip proto 112 or arp")
    a, b = start_pair(lan, vigild, extra="use_vmac\nvmac_xmit_base\n")
    assert a.instance("VI_1")["advert_interface"] == "eth0"
    assert_vmac(lan[0], MAC4, VIP4)
    assert_vmac(lan[1], MAC4, None)
    time.sleep(3 * FAST)
    received = b.instance("VI_1")["stats"]["adverts_received"]
    pkts = cap.packets()
    ads = [p for p in vrrp_frames(pkts) if p[IP].src == lan[0].addr4]
    assert ads and {p[Ether].src for p in ads} == {mac_of(lan[0])}
    assert received > 0 and state(b) == "BACKUP"
    garps = [p for p in pkts if ARP in p and p[ARP].op == 1 and p[ARP].psrc == VIP4]
    assert garps and {p[ARP].hwsrc for p in garps} == {MAC4}
    client_sees_vip_at(lan[2], VIP4, MAC4)
    lan.cut(lan[0])
    wait_state(b, "MASTER", timeout=5)
    assert_vmac(lan[1], MAC4, VIP4)


def test_vmac_backup_hears_a_master_without_vmac(lan, vigild):
    """Adverts from another MAC than the VMAC's reach the VMAC too (it has
    joined the group), so a mixed pair still elects one master."""
    b = vigild(lan[1], node_config(150, extra=""), name="b")
    b.start(workers=["vrrp"])
    wait_state(b, "MASTER")
    a = vigild(lan[0], node_config(100), name="a")
    a.start(workers=["vrrp"])
    wait_state(a, "BACKUP")
    time.sleep(5 * FAST)
    assert state(a) == "BACKUP" and state(b) == "MASTER"
    assert a.instance("VI_1")["stats"]["adverts_received"] >= 3
    assert a.instance("VI_1")["master_address"] == lan[1].addr4
    assert_vmac(lan[0], MAC4, None)


# ---- IPv6 ---------------------------------------------------------------------------


def link_local(host, ifname="eth0"):
    out = host.exec("ip", "-6", "-o", "addr", "show", "dev", ifname, "scope", "link").stdout
    return re.search(r"inet6 (fe80::[0-9a-f:]+)/", out).group(1)


def test_ipv6_vmac_uses_the_ipv6_virtual_mac(make_lan, vigild, tmp_path):
    lan = make_lan(3)
    client = lan[2]
    for h in lan:   # the link-local addresses must be usable (DAD done)
        wait_for(lambda h=h: "tentative" not in h.exec(
            "ip", "-6", "addr", "show", "dev", "eth0").stdout, 5, "DAD on " + h.name)
    cap = capture(client, tmp_path, "v6", "ip6 proto 112 or icmp6")
    a, b = start_pair(lan, vigild, vips=(VIP6 + "/64",))
    assert_vmac(lan[0], MAC6, VIP6, "-6")
    assert_vmac(lan[1], MAC6, None, "-6")
    assert b.instance("VI_1")["master_address"] == link_local(lan[0])
    client_sees_vip_at(client, VIP6, MAC6)
    pkts = cap.packets()
    ads = [p for p in vrrp_frames(pkts) if p[IPv6].src == link_local(lan[0])]
    assert ads and {p[Ether].src for p in ads} == {MAC6}
    nas = [p for p in pkts if ICMPv6ND_NA in p and p[IPv6].dst == "ff02::1"
           and ipaddress.ip_address(p[ICMPv6ND_NA].tgt) == ipaddress.ip_address(VIP6)]
    assert nas, "no unsolicited NA for the VIP"
    assert {p[ICMPv6NDOptDstLLAddr].lladdr for p in nas} == {MAC6}
    assert {p[Ether].src for p in nas} == {MAC6}
    lan.cut(lan[0])
    wait_state(b, "MASTER", timeout=5)
    assert_vmac(lan[1], MAC6, VIP6, "-6")


# ---- start, reload, stop ------------------------------------------------------------


def test_stale_vmac_is_reused_a_wrong_one_replaced_and_a_foreign_name_refused(host, vigild):
    # What a kill -9 leaves: the VMAC, with the VIP still on it.
    host.exec("ip", "link", "add", "link", "eth0", "name", VMAC, "address", MAC4,
              "type", "macvlan", "mode", "private")
    host.exec("ip", "addr", "add", VIP4 + "/24", "dev", VMAC)
    host.exec("ip", "link", "set", VMAC, "up")
    stale_index = link(host, VMAC)["ifindex"]
    # A macvlan named as VI_2's VMAC but with another MAC and mode.
    host.exec("ip", "link", "add", "link", "eth0", "name", "vrrp.52", "address",
              "02:00:00:00:00:01", "type", "macvlan", "mode", "bridge")
    # Not a macvlan at all: never touched.
    host.exec("ip", "link", "add", "vrrp.53", "type", "bridge")
    conf = configs.global_defs()
    for name, vrid, vip in (("VI_1", 51, "10.0.0.100/24"), ("VI_2", 52, "10.0.0.101/24"),
                            ("VI_3", 53, "10.0.0.102/24")):
        conf += configs.vrrp_instance(name=name, vrid=vrid, priority=100, vips=(vip,),
                                      advert_int=FAST, extra="    use_vmac\n")
    d = vigild(host, conf)
    d.start(workers=["vrrp"])
    d.wait(lambda: d.instance("VI_1")["state"] == "MASTER", "VI_1 master")
    log = d.log_text()
    assert re.search(r"VMAC vrrp\.51 .* reused", log)
    assert "removing 10.0.0.100/24, left by an earlier run" in log
    assert link(host, VMAC)["ifindex"] == stale_index
    assert re.search(r"VMAC vrrp\.52 .* replaced", log)
    v52 = link(host, "vrrp.52")
    assert v52["address"] == "00:00:5e:00:01:34"
    assert v52["linkinfo"]["info_data"]["mode"] == "private"
    v3 = d.instance("VI_3")
    assert "vrrp.53 exists and is not a macvlan" in v3["error"]
    assert v3["state"] == "INIT"
    assert link(host, "vrrp.53")["linkinfo"]["info_kind"] == "bridge"
    assert d.stop() == 0
    assert link(host, VMAC) is None and link(host, "vrrp.52") is None
    assert link(host, "vrrp.53") is not None


def test_placement_and_reload_keeping_the_vmac(host, vigild):
    # A VIP naming the base interface goes on the VMAC too; an excluded
    # address of the other family stays on the base (the VMAC's MAC is
    # IPv4's).
    d = vigild(host, node_config(100, vips=(VIP4 + "/24", "10.0.0.102/24 dev eth0"),
                                 extra="use_vmac\nvirtual_ipaddress_excluded {\n"
                                       "    fd00:0::102/64\n}\n"))
    d.start(workers=["vrrp"])
    wait_state(d, "MASTER")
    assert link(host, VMAC)["address"] == MAC4
    assert addrs(host, VMAC) == {ipaddress.ip_address(VIP4), ipaddress.ip_address("10.0.0.102")}
    assert ipaddress.ip_address("fd00::102") in addrs(host, "eth0", "-6")
    assert not addrs(host, VMAC, "-6")
    index = link(host, VMAC)["ifindex"]

    def reload(text):
        before = d.status()["reloads"]["count"]
        d.write_config(text)
        d.signal(signal.SIGHUP)
        d.wait(lambda: d.status()["reloads"]["count"] > before, "the reload")

    # Another VIP list rebuilds the instance; the VMAC stays.
    reload(node_config(100, vips=(VIP4 + "/24", "10.0.0.101/24")))
    wait_state(d, "MASTER")
    d.wait(lambda: ipaddress.ip_address("10.0.0.101") in addrs(host, VMAC), "the new VIP")
    assert link(host, VMAC)["ifindex"] == index
    # Without use_vmac the VMAC goes, and the VIP moves to eth0.
    reload(node_config(100, extra=""))
    wait_state(d, "MASTER")
    d.wait(lambda: link(host, VMAC) is None, "the VMAC to go")
    d.wait(lambda: ipaddress.ip_address(VIP4) in addrs(host, "eth0"), "the VIP on eth0")
    assert d.stop() == 0


# ---- a VMAC deleted behind vigil's back ----------------------------------------------

# No second GARP burst 5 s after becoming master: a GARP seen after the
# deletion is then the recreation's.
NO_DELAY = "use_vmac\ngarp_master_delay 0\n"


def stats(d):
    return d.instance("VI_1")["stats"]


def wait_vmac_back(host, old_index):
    """The VMAC exists again (a new ifindex) within about a second."""
    wait_for(lambda: (link(host, VMAC) or {}).get("ifindex", old_index) != old_index, 1.5,
             VMAC + " recreated on " + host.name)


def test_master_vmac_deleted_by_hand_is_recreated_without_a_flap(make_lan, vigild, tmp_path):
    lan = make_lan(3)
    a, b = start_pair(lan, vigild, extra=NO_DELAY)
    old_index = link(lan[0], VMAC)["ifindex"]
    cap = capture(lan[2], tmp_path, "vmac-del", "ip proto 112 or arp")
    lan[0].exec("ip", "link", "del", VMAC)
    wait_vmac_back(lan[0], old_index)
    a.wait(lambda: ipaddress.ip_address(VIP4) in addrs(lan[0], VMAC), "the VIP back", 1.5)
    assert_vmac(lan[0], MAC4, VIP4)
    sent = stats(a)["adverts_sent"]
    time.sleep(5 * FAST)
    assert stats(a)["adverts_sent"] >= sent + 3
    assert state(a) == "MASTER" and state(b) == "BACKUP"
    assert stats(b)["became_master"] == 0, "the backup took over"
    assert a.instance("VI_1")["vmac_recreated"] == 1
    assert a.instance("VI_1")["vmac_fault"] is None
    log = a.log_text()
    assert "VMAC vrrp.51 (ifindex %d) was deleted behind our back" % old_index in log
    # Nothing failed on the way (no VIP removal or send on the dead ifindex).
    assert "cannot" not in log, log
    pkts = cap.packets()
    garps = [p for p in pkts if ARP in p and p[ARP].op == 1 and p[ARP].psrc == VIP4]
    assert garps and {(p[Ether].src, p[ARP].hwsrc) for p in garps} == {(MAC4, MAC4)}
    ads = [p for p in vrrp_frames(pkts) if p[IP].src == lan[0].addr4]
    assert len(ads) >= 3 and {p[Ether].src for p in ads} == {MAC4}
    client_sees_vip_at(lan[2], VIP4, MAC4)
    # Its own deletion at stop is not repaired.
    assert a.stop() == 0
    assert link(lan[0], VMAC) is None
    assert a.log_text().count("deleted behind our back") == 1


def test_backup_vmac_deleted_by_hand_is_recreated_and_still_hears_the_master(
        make_lan, vigild):
    lan = make_lan(2)
    a, b = start_pair(lan, vigild)
    old_index = link(lan[1], VMAC)["ifindex"]
    lan[1].exec("ip", "link", "del", VMAC)
    wait_vmac_back(lan[1], old_index)
    assert_vmac(lan[1], MAC4, None)
    # The adverts are read on the VMAC: the new one's socket hears them.
    received = stats(b)["adverts_received"]
    time.sleep(5 * FAST)
    assert stats(b)["adverts_received"] >= received + 3
    assert state(a) == "MASTER" and state(b) == "BACKUP"
    assert stats(b)["became_master"] == 0
    assert b.instance("VI_1")["vmac_recreated"] == 1


def test_vmac_comes_back_with_its_base(host, vigild):
    """The base deleted takes the VMAC with it: FAULT; the base made again
    brings the VMAC back, and the instance becomes master on it."""
    def make_base():
        # A veth pair within the host (no dummy module on every kernel).
        host.exec("ip", "link", "add", "dum0", "type", "veth", "peer", "name", "dum0p")
        host.exec("ip", "addr", "add", "10.9.0.1/24", "dev", "dum0")
        host.exec("ip", "link", "set", "dum0p", "up")
        host.exec("ip", "link", "set", "dum0", "up")

    make_base()
    d = vigild(host, configs.global_defs() + configs.vrrp_instance(
        interface="dum0", vrid=VRID, priority=100, vips=("10.9.0.100/24",),
        advert_int=FAST, extra="    use_vmac\n"))
    d.start(workers=["vrrp"])
    wait_state(d, "MASTER")
    host.exec("ip", "link", "del", "dum0")
    wait_state(d, "FAULT", timeout=2)
    assert link(host, VMAC) is None
    d.wait(lambda: "its base interface is gone" in (d.instance("VI_1")["vmac_fault"] or ""),
           "the VMAC's fault", 2)
    make_base()
    wait_state(d, "MASTER", timeout=3)
    info = link(host, VMAC)
    assert info and info["address"] == MAC4 and info["link"] == "dum0"
    assert ipaddress.ip_address("10.9.0.100") in addrs(host, VMAC)
    assert sysctl(host, "ipv4/conf/dum0/arp_ignore") == 1
    assert d.instance("VI_1")["vmac_fault"] is None
    assert "base interface dum0 is back; recreating VMAC vrrp.51" in d.log_text()
    assert d.stop() == 0
    assert link(host, VMAC) is None


# ---- interoperation -----------------------------------------------------------------



@pytest.mark.skipif(not keepalived.available(), reason="keepalived is not installed")
def test_keepalived_peer_with_use_vmac(make_lan, vigild, keepalived_peer, tmp_path):
    """vigil (priority 100) and keepalived 2.2.7 (150), both with use_vmac:
    keepalived preempts, vigil hears its adverts on the VMAC and stays
    backup; keepalived stops, vigil takes over.  The client finds the VIP
    at the same virtual MAC throughout."""
    lan = make_lan(3)
    client = lan[2]
    v = vigild(lan[0], node_config(100), name="v")
    v.start(workers=["vrrp"])
    wait_state(v, "MASTER")
    k = keepalived_peer(lan[1], keepalived.config(
        vrid=VRID, priority=150, version=3, advert_int=FAST, vips=(VIP4 + "/24",),
        extra="    use_vmac\n"))
    cap = capture(client, tmp_path, "interop", "ip proto 112 or arp")
    k.start()
    k.wait_state("MASTER")
    wait_state(v, "BACKUP")
    time.sleep(5 * FAST)
    assert state(v) == "BACKUP"
    assert v.instance("VI_1")["stats"]["adverts_received"] > 0
    assert v.instance("VI_1")["master_address"] == lan[1].addr4
    assert_vmac(lan[0], MAC4, None)
    info = link(lan[1], VMAC)
    assert info and info["address"] == MAC4
    assert ipaddress.ip_address(VIP4) in addrs(lan[1], VMAC)
    # keepalived's VMAC answers ARP for the VIP with the virtual MAC.  (Its
    # base then asks for the client with the VIP as sender and its own MAC,
    # keepalived leaving arp_announce alone, which repoints the client's
    # entry: so the answer is checked on the wire, not in the cache.)
    client.exec("ip", "neigh", "flush", "dev", "eth0")
    client.exec("ping", "-c", "2", "-i", "0.2", "-W", "1", VIP4)
    pkts = cap.packets()
    replies = [p for p in pkts if ARP in p and p[ARP].op == 2 and p[ARP].psrc == VIP4]
    assert replies and {p[ARP].hwsrc for p in replies} == {MAC4}
    ads = [p for p in vrrp_frames(pkts) if p[IP].src == lan[1].addr4]
    assert ads and {p[Ether].src for p in ads} == {MAC4}

    k.stop()
    wait_state(v, "MASTER", timeout=5)
    assert_vmac(lan[0], MAC4, VIP4)
    client.exec("ping", "-c", "1", "-W", "1", VIP4)
    assert "lladdr " + MAC4 in client.exec("ip", "neigh", "show", VIP4).stdout
    assert k.complaints() == []


@pytest.mark.skipif(not keepalived.available(), reason="keepalived is not installed")
def test_keepalived_peer_with_ipv6_use_vmac(make_lan, vigild, keepalived_peer, tmp_path):
    """The same with IPv6: vigil hears keepalived's adverts on its VMAC and
    takes over at keepalived's stop; both VMACs carry 00:00:5e:00:02:VRID."""
    lan = make_lan(3)
    for h in lan:
        wait_for(lambda h=h: "tentative" not in h.exec(
            "ip", "-6", "addr", "show", "dev", "eth0").stdout, 5, "DAD on " + h.name)
    v = vigild(lan[0], node_config(100, vips=(VIP6 + "/64",)), name="v")
    v.start(workers=["vrrp"])
    wait_state(v, "MASTER")
    k = keepalived_peer(lan[1], keepalived.config(
        vrid=VRID, priority=150, version=3, advert_int=FAST, vips=(VIP6 + "/64",),
        extra="    use_vmac\n"))
    cap = capture(lan[2], tmp_path, "interop6", "ip6 proto 112")
    k.start()
    k.wait_state("MASTER")
    wait_state(v, "BACKUP")
    time.sleep(5 * FAST)
    assert state(v) == "BACKUP"
    assert v.instance("VI_1")["stats"]["adverts_received"] > 0
    assert_vmac(lan[0], MAC6, None, "-6")
    assert link(lan[1], VMAC)["address"] == MAC6
    # keepalived's adverts leave its VMAC with its base's link-local
    # address, as vigil's do: vigil knows the master by that address.
    ads = [p for p in vrrp_frames(cap.packets()) if p[VRRPv3].priority == 150]
    assert ads and {(p[Ether].src, p[IPv6].src) for p in ads} == {(MAC6, link_local(lan[1]))}
    assert v.instance("VI_1")["master_address"] == link_local(lan[1])
    k.stop()
    wait_state(v, "MASTER", timeout=5)
    assert_vmac(lan[0], MAC6, VIP6, "-6")
    client_sees_vip_at(lan[2], VIP6, MAC6)
    assert k.complaints() == []
