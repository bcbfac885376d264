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


def make_link_local_tentative(host, seconds=2):
    """DAD on, one probe, `seconds` to wait for an answer: the link-local
    address, removed and added back, stays tentative that long."""
    for key, value in (("net.ipv6.conf.eth0.accept_dad", "1"),
                       ("net.ipv6.conf.eth0.dad_transmits", "1"),
                       ("net.ipv6.conf.eth0.optimistic_dad", "0"),
                       ("net.ipv6.neigh.eth0.retrans_time_ms", str(seconds * 1000))):
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


def test_na_retry_gives_up_after_three_seconds_and_says_so_once(lan, vigild, tmp_path):
    """The link-local address stays tentative for 7 s: the NA cannot go out,
    and after 3 s of retries vigil counts it as a send error and logs it
    once; the instance stays MASTER (the VIP is held, only unannounced).
    (Adverts fail too while no link-local source exists; they are counted
    as send errors of their own and logged differently.)"""
    wait_link_local(lan[1])
    cap = ImmediateCapture(lan[1], "eth0", str(tmp_path / "na.pcap"), "icmp6").start()
    make_link_local_tentative(lan[0], seconds=7)
    a = vigild(lan[0], node_config(150, vips=(VIP6 + "/64",), extra="    garp_master_delay 0\n"),
               name="a")
    a.start(workers=["vrrp"])
    a.wait(lambda: a.instance("VI_1")["state"] == "MASTER", "MASTER", timeout=5)
    master_at = time.monotonic()
    a.wait(lambda: "cannot announce %s" % VIP6 in a.log_text(), "the NA given up", timeout=6)
    gave_up_after = time.monotonic() - master_at
    print("NA given up %.2fs after MASTER" % gave_up_after)
    assert 2.5 <= gave_up_after <= 4.5, gave_up_after
    assert link_local(lan[0])[1], "DAD ended before the retries ran out: the case is not tested"
    errors = a.instance("VI_1")["stats"]["send_errors"]
    time.sleep(1.0)
    log = a.log_text()
    assert log.count("cannot announce %s" % VIP6) == 1, log
    assert "no usable link-local address after 3000 ms" in log
    st = a.instance("VI_1")
    assert st["state"] == "MASTER" and st["stats"]["gratuitous_sent"] == 0
    assert errors >= 1
    nas = [p for p in cap.packets() if ICMPv6ND_NA in p and p[ICMPv6ND_NA].tgt == VIP6]
    assert not nas, "an NA for %s went out without a usable source: %r" % (VIP6, nas)
