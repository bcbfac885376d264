"""The harness itself: the LAN carries traffic, captures see it, cutting a
port isolates a host, and nothing is left behind."""

import os
import subprocess

import pytest

from vigiltest import topology
from vigiltest.capture import Capture
from vigiltest.wait import WaitTimeout, wait_for


def namespaces():
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.split()}


def ping(src, dst_addr, count=1, timeout=2):
    return src.exec("ping", "-c", count, "-W", timeout, "-i", "0.2", dst_addr,
                    check=False).returncode == 0


def test_hosts_reach_each_other_over_ipv4_and_ipv6(lan):
    h1, h2 = lan[0], lan[1]
    assert ping(h1, h2.addr4)
    assert ping(h2, h1.addr6)
    link = h1.exec("ip", "-o", "link", "show", "eth0").stdout
    assert "state UP" in link


def test_namespace_names_are_unique_and_prefixed(make_lan):
    a, b = make_lan(1), make_lan(1)
    names = [a.switch.name, a[0].name, b.switch.name, b[0].name]
    assert len(set(names)) == 4
    assert all(n.startswith("%s%d-" % (topology.PREFIX, os.getpid())) for n in names)


def test_cut_isolates_a_host_and_mend_restores_it(lan):
    h1, h2 = lan[0], lan[1]
    lan.cut(h2)
    assert not ping(h1, h2.addr4, timeout=1)
    lan.mend(h2)
    wait_for(lambda: ping(h1, h2.addr4), timeout=10, what="h2 reachable again")


def test_capture_records_traffic_on_eth0(lan, tmp_path):
    h1, h2 = lan[0], lan[1]
    cap = Capture(h2, "eth0", str(tmp_path / "icmp.pcap"), "icmp").start()
    assert ping(h1, h2.addr4, count=3)
    pkts = cap.packets()
    from scapy.layers.inet import ICMP, IP
    requests = [p for p in pkts if ICMP in p and p[ICMP].type == 8]
    assert len(requests) == 3, "captured: %r" % [p.summary() for p in pkts]
    assert all(p[IP].src == h1.addr4 for p in requests)


def test_lan_delete_removes_namespaces_and_their_processes():
    lan = topology.Lan(hosts=2)
    names = {lan.switch.name} | {h.name for h in lan}
    sleeper = lan[0].popen("sleep", "60")
    wait_for(lambda: sleeper.pid in lan[0].pids(), timeout=5, what="sleep to run in h1")
    lan.delete()
    assert sleeper.wait(5) is not None
    assert not names & namespaces()


def test_sweep_removes_leftovers_of_dead_runs_only():
    # A name carrying a pid that cannot exist (above pid_max) is a leftover.
    dead = "%s4999999-1h1" % topology.PREFIX
    subprocess.run(["ip", "netns", "add", dead], check=True)
    mine = topology.Netns("own")
    try:
        removed = topology.sweep()
        assert dead in removed
        assert dead not in namespaces()
        assert mine.name in namespaces()
    finally:
        mine.delete()
        subprocess.run(["ip", "netns", "delete", dead], capture_output=True)


def test_wait_for_reports_what_it_waited_for_and_the_diagnosis():
    with pytest.raises(WaitTimeout) as info:
        wait_for(lambda: 1 / 0, timeout=0.2, what="the impossible",
                 diagnose=lambda: "LOG TAIL HERE")
    text = str(info.value)
    assert "the impossible" in text
    assert "ZeroDivisionError" in text
    assert "LOG TAIL HERE" in text


def test_sanitizer_reports_in_a_daemon_log_are_found(host, tmp_path):
    from vigiltest.daemon import Build, Vigild
    d = Vigild(Build(str(tmp_path)), host, "", basedir=str(tmp_path))
    with open(d.log_path, "w") as f:
        f.write("vigild: info: started\n"
                "==12==ERROR: LeakSanitizer: detected memory leaks\n"
                "vrrp/vrrp_x.c:10:5: runtime error: signed integer overflow\n")
    reports = d.sanitizer_reports()
    assert len(reports) == 2
    assert "LeakSanitizer" in reports[0]
    with open(d.log_path, "w") as f:
        f.write("vigild: info: started\nvigild: notice: stopped\n")
    assert d.sanitizer_reports() == []
