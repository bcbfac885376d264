"""Unsolicited NAs for an IPv6 VIP when the instance becomes MASTER while
the interface's link-local address is still tentative: the NA has no
source until DAD ends, so vigil retries it (every 100 ms, for up to 3 s)
rather than giving up on it."""

import re
import time

from scapy.layers.inet6 import IPv6, ICMPv6ND_NA

from test_vrrp_basic import ImmediateCapture, node_config, wait_link_local

VIP6 = "fd00::100"


def link_local(host):
    out = host.exec("ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "link").stdout
    m = re.search(r"inet6 (fe80::[0-9a-f:]+/\d+)", out)
    assert m, out
    return m.group(1), "tentative" in out


def make_link_local_tentative(host):
    """DAD on, one probe, two seconds to wait for an answer: the
    link-local address, removed and added back, stays tentative ~2 s."""
    for key, value in (("net.ipv6.conf.eth0.accept_dad", "1"),
                       ("net.ipv6.conf.eth0.dad_transmits", "1"),
                       ("net.ipv6.conf.eth0.optimistic_dad", "0"),
                       ("net.ipv6.neigh.eth0.retrans_time_ms", "2000")):
        host.exec("sysctl", "-q", "-w", "%s=%s" % (key, value))
    addr, _ = link_local(host)
    host.exec("ip", "-6", "addr", "del", addr, "dev", "eth0")
    host.exec("ip", "-6", "addr", "add", addr, "dev", "eth0", "scope", "link")
    assert link_local(host)[1], "the link-local address did not become tentative"
    return addr.split("/")[0]


def test_na_waits_for_a_tentative_link_local_then_goes_out(lan, vigild, tmp_path):
    wait_link_local(lan[1])
    bpf = "icmp6"
    cap = ImmediateCapture(lan[1], "eth0", str(tmp_path / "na.pcap"), bpf).start()
    ll = make_link_local_tentative(lan[0])
    a = vigild(lan[0], node_config(150, vips=(VIP6 + "/64",), extra="    garp_master_delay 0\n"),
               name="a")
    a.start(workers=["vrrp"])
    a.wait(lambda: a.instance("VI_1")["state"] == "MASTER", "MASTER", timeout=5)
    # The case under test: master before the link-local is usable.
    assert link_local(lan[0])[1], "DAD ended before the instance became MASTER"
    wait_link_local(lan[0])
    valid_at = time.time()

    a.wait(lambda: a.instance("VI_1")["stats"]["gratuitous_sent"] >= 1,
           "an unsolicited NA sent", timeout=5)
    pkts = cap.packets()
    nas = [p for p in pkts if ICMPv6ND_NA in p and p[ICMPv6ND_NA].tgt == VIP6]
    assert nas, "no unsolicited NA for %s on the wire: %r" % (VIP6, pkts)
    assert all(p[IPv6].src == ll and p[IPv6].dst == "ff02::1" for p in nas)
    # Sent once the source was usable (within a retry period of it).
    assert float(nas[0].time) >= valid_at - 0.5
    st = a.instance("VI_1")["stats"]
    assert "cannot announce" not in a.log_text()
    # Nothing more fails once the link-local is valid: no NA counted as lost.
    errors = st["send_errors"]
    time.sleep(3.5)
    assert a.instance("VI_1")["stats"]["send_errors"] == errors
    assert "cannot announce" not in a.log_text()
