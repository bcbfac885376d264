"""The VRRP edge modules against a real kernel, driven by the test-only
tests/tools/vrrp_edge_tool: virtual addresses through netlink (options,
idempotence, errors), gratuitous ARP and unsolicited NA on the wire and
their effect on a neighbour's cache, and the address monitor."""

import json
import os
import subprocess
import time

import pytest

from vigiltest.capture import Capture
from vigiltest.wait import wait_for

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VIP4 = "10.0.0.100"
VIP6 = "fd00:0::100"
FAKE_MAC = "02:00:00:00:00:99"


@pytest.fixture(scope="session")
def edge_tool():
    build = os.environ.get("VIGIL_BUILD", os.path.join(REPO, "build"))
    path = os.path.join(os.path.abspath(build), "tests", "tools", "vrrp_edge_tool")
    if not os.access(path, os.X_OK):
        pytest.fail("not built: %s (make tests/tools/vrrp_edge_tool)" % path)
    return path


def tool(host, edge_tool, *args, check=True):
    res = host.exec(edge_tool, *args, check=False)
    if check:
        assert res.returncode == 0, "vrrp_edge_tool %s: %s" % (" ".join(args), res.stderr)
    return res


def addresses(host, ifname="eth0"):
    out = host.exec("ip", "-j", "addr", "show", "dev", ifname).stdout
    return json.loads(out)[0]["addr_info"]


def find_address(host, addr):
    found = [a for a in addresses(host) if a["local"] == addr]
    assert len(found) <= 1, found
    return found[0] if found else None


def mac_of(host, ifname="eth0"):
    return json.loads(host.exec("ip", "-j", "link", "show", "dev", ifname).stdout)[0]["address"]


def link_local_ready(host):
    """host's fe80:: address once duplicate address detection is over."""
    for a in addresses(host):
        if a["family"] == "inet6" and a.get("scope") == "link" and not a.get("tentative"):
            return a["local"]
    return None


def neighbour_mac(host, addr):
    out = host.exec("ip", "-j", "neigh", "show", addr, "dev", "eth0").stdout
    entries = json.loads(out) if out.strip() else []
    return entries[0].get("lladdr") if entries else None


# ---- virtual addresses ----

def test_ipv4_vip_with_label_added_once_and_deleted(host, edge_tool):
    tool(host, edge_tool, "vip-add", "eth0", VIP4 + "/24", "label", "eth0:vip")
    a = find_address(host, VIP4)
    assert a is not None and a["prefixlen"] == 24 and a["label"] == "eth0:vip"
    # Adding what is already there succeeds and adds nothing.
    tool(host, edge_tool, "vip-add", "eth0", VIP4 + "/24", "label", "eth0:vip")
    assert find_address(host, VIP4) is not None
    assert tool(host, edge_tool, "vip-present", "eth0", VIP4).stdout.strip() == "present"

    tool(host, edge_tool, "vip-del", "eth0", VIP4 + "/24")
    assert find_address(host, VIP4) is None
    assert tool(host, edge_tool, "vip-present", "eth0", VIP4).stdout.strip() == "absent"
    # Deleting what is not there succeeds too.
    tool(host, edge_tool, "vip-del", "eth0", VIP4 + "/24")
    # The host's own address was never touched.
    assert find_address(host, host.addr4) is not None


def test_ipv4_vip_broadcast_and_scope(host, edge_tool):
    # A prefix of its own: the kernel refuses a secondary address whose
    # scope differs from the primary's.
    tool(host, edge_tool, "vip-add", "eth0", "10.0.1.101/24", "brd", "+", "scope", "link")
    tool(host, edge_tool, "vip-add", "eth0", "10.0.0.102/24", "brd", "10.0.0.7")
    a = find_address(host, "10.0.1.101")
    assert a["broadcast"] == "10.0.1.255" and a["scope"] == "link"
    assert find_address(host, "10.0.0.102")["broadcast"] == "10.0.0.7"
    # Without a label the address carries the interface's name.
    assert find_address(host, "10.0.0.102")["label"] == "eth0"
    tool(host, edge_tool, "vip-add", "eth0", "10.0.2.101/24", "brd", "-")
    assert find_address(host, "10.0.2.101")["broadcast"] == "10.0.2.0"


def test_ipv4_vip_with_peer(host, edge_tool):
    tool(host, edge_tool, "vip-add", "eth0", "10.0.3.1", "peer", "10.0.3.2/32")
    a = find_address(host, "10.0.3.1")
    assert a["address"] == "10.0.3.2" and a["prefixlen"] == 32
    tool(host, edge_tool, "vip-del", "eth0", "10.0.3.1", "peer", "10.0.3.2/32")
    assert find_address(host, "10.0.3.1") is None


def test_ipv6_vip_nodad_and_deprecated(host, edge_tool):
    tool(host, edge_tool, "vip-add", "eth0", VIP6 + "/64")
    a = find_address(host, "fd00::100")
    assert a is not None and a["prefixlen"] == 64
    # Usable at once (no DAD), never picked as a source (preferred 0).
    assert a.get("nodad") is True and not a.get("tentative")
    assert a["preferred_life_time"] == 0 and a.get("deprecated") is True
    assert a["valid_life_time"] == 4294967295
    tool(host, edge_tool, "vip-add", "eth0", VIP6 + "/64")
    tool(host, edge_tool, "vip-del", "eth0", VIP6 + "/64")
    assert find_address(host, "fd00::100") is None
    tool(host, edge_tool, "vip-del", "eth0", VIP6 + "/64")


def test_ipv6_vip_preferred_lft_and_flags_from_the_line(host, edge_tool):
    tool(host, edge_tool, "vip-add", "eth0", "fd00::101/64", "preferred_lft", "forever",
         "noprefixroute")
    a = find_address(host, "fd00::101")
    assert a["preferred_life_time"] == 4294967295 and not a.get("deprecated")
    assert a.get("noprefixroute") is True and a.get("nodad") is True


def test_vip_on_missing_interface_is_an_error(host, edge_tool):
    res = tool(host, edge_tool, "vip-add", "eth0", VIP4 + "/24", "dev", "nosuch0", check=False)
    assert res.returncode == 1 and "No such device" in res.stderr
    assert find_address(host, VIP4) is None


def test_vip_refused_by_the_kernel_is_reported(host, edge_tool):
    # A link-local multicast address is not a host address.
    res = tool(host, edge_tool, "vip-add", "eth0", "ff02::1234/64", check=False)
    assert res.returncode == 1 and "vip-add:" in res.stderr


# ---- announcements ----

class _ImmediateMode:
    """A host whose tcpdump runs with --immediate-mode: otherwise tcpdump
    hands frames over only when a kernel buffer block fills or times out,
    and a capture stopped right after a single frame loses it."""

    def __init__(self, host):
        self.host = host
        self.name = host.name

    def popen(self, *argv, **kw):
        return self.host.popen(argv[0], "--immediate-mode", *argv[1:], **kw)


def capture(host, path, bpf):
    return Capture(_ImmediateMode(host), "eth0", str(path), bpf).start()


def test_gratuitous_arp_on_the_wire_and_in_the_neighbour_cache(lan, edge_tool, tmp_path):
    h1, h2 = lan[0], lan[1]
    h2.exec("ip", "neigh", "replace", VIP4, "lladdr", FAKE_MAC, "dev", "eth0", "nud", "stale")
    cap = capture(h2, tmp_path / "garp.pcap", "arp")
    tool(h1, edge_tool, "garp", "eth0", VIP4)
    pkts = cap.packets()

    from scapy.all import ARP, Ether
    garps = [p for p in pkts if ARP in p and p[ARP].psrc == VIP4]
    assert len(garps) == 1, [p.summary() for p in pkts]
    p = garps[0]
    assert p[Ether].dst == "ff:ff:ff:ff:ff:ff" and p[Ether].src == mac_of(h1)
    assert p[ARP].op == 1 and p[ARP].pdst == VIP4
    assert p[ARP].hwsrc == mac_of(h1) and p[ARP].hwdst == "00:00:00:00:00:00"
    wait_for(lambda: neighbour_mac(h2, VIP4) == mac_of(h1), 5,
             "host 2's ARP entry for the VIP to move to host 1's MAC")


def test_unsolicited_na_on_the_wire_and_in_the_neighbour_cache(lan, edge_tool, tmp_path):
    h1, h2 = lan[0], lan[1]
    src = wait_for(lambda: link_local_ready(h1), 10, "host 1's link-local address")
    h2.exec("ip", "-6", "neigh", "replace", VIP6, "lladdr", FAKE_MAC, "dev", "eth0",
            "nud", "stale")
    cap = capture(h2, tmp_path / "na.pcap", "icmp6")
    tool(h1, edge_tool, "na", "eth0", VIP6)
    pkts = cap.packets()

    from scapy.all import ICMPv6ND_NA, ICMPv6NDOptDstLLAddr, IPv6, Ether
    nas = [p for p in pkts if ICMPv6ND_NA in p and p[ICMPv6ND_NA].tgt == "fd00::100"]
    assert len(nas) == 1, [p.summary() for p in pkts]
    p = nas[0]
    assert p[Ether].src == mac_of(h1) and p[Ether].dst == "33:33:00:00:00:01"
    assert p[IPv6].src == src and p[IPv6].dst == "ff02::1" and p[IPv6].hlim == 255
    na = p[ICMPv6ND_NA]
    assert na.type == 136 and na.code == 0 and (na.R, na.S, na.O) == (0, 0, 1)
    assert p[ICMPv6NDOptDstLLAddr].lladdr == mac_of(h1)
    # The checksum scapy computes over the same packet is the one sent.
    again = IPv6(bytes(p[IPv6]))
    del again[ICMPv6ND_NA].cksum
    assert IPv6(bytes(again))[ICMPv6ND_NA].cksum == na.cksum
    wait_for(lambda: neighbour_mac(h2, "fd00::100") == mac_of(h1), 5,
             "host 2's neighbour entry for the VIP to move to host 1's MAC")


def test_na_without_link_local_source_is_an_error(host, edge_tool):
    host.exec("ip", "-6", "addr", "flush", "dev", "eth0", "scope", "link")
    res = tool(host, edge_tool, "na", "eth0", VIP6, check=False)
    assert res.returncode == 1 and "Cannot assign requested address" in res.stderr


def test_garp_on_missing_interface_is_an_error(host, edge_tool):
    res = tool(host, edge_tool, "garp", "nosuch0", VIP4, check=False)
    assert res.returncode == 1 and "No such device" in res.stderr


# ---- the monitor ----

def test_monitor_reports_removed_addresses(host, edge_tool):
    proc = host.popen(edge_tool, "monitor", "eth0", "3", stdout=subprocess.PIPE,
                      stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        tool(host, edge_tool, "vip-add", "eth0", VIP4 + "/24")
        tool(host, edge_tool, "vip-add", "eth0", VIP6 + "/64")
        host.exec("ip", "addr", "add", "10.0.0.200/32", "dev", "lo")
        host.exec("ip", "addr", "del", VIP4 + "/24", "dev", "eth0")
        host.exec("ip", "addr", "del", VIP6 + "/64", "dev", "eth0")
        host.exec("ip", "addr", "del", "10.0.0.200/32", "dev", "lo")
        start = time.monotonic()
        out, err = proc.communicate(timeout=15)
        assert proc.returncode == 0, err
        assert time.monotonic() - start < 10      # it stops after its 3 seconds
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    lines = out.splitlines()
    assert "removed 10.0.0.100/24" in lines and "removed fd00::100/64" in lines
    assert "added 10.0.0.100/24" in lines
    assert lines.index("added 10.0.0.100/24") < lines.index("removed 10.0.0.100/24")
    # Only eth0 was watched by the tool: lo's address is reported with
    # lo's index, so it does not show.
    assert not any("10.0.0.200" in line for line in lines), lines
