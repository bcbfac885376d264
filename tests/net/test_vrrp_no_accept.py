"""no_accept (RFC 5798 Accept_Mode false) enforced with nftables.

A pair (a on host 1 with priority 150, b on host 2 with 100, VRRPv3,
100 ms adverts) and a client on host 3.  With no_accept the master holds
its VIPs and answers ARP / neighbour discovery for them, but drops what is
addressed to them: the client's ping goes unanswered while its neighbour
entry points at the master.  The table (inet "vigil" by default) appears
on the master only, follows a failover, and goes at stop.  With accept
the same ping is answered."""

import ipaddress
import json
import re
import subprocess
import time

from vigiltest import configs

FAST = 0.1
VIP4 = "10.0.0.100"
VIP6 = "fd00:0::100"
TABLE = "vigil"


def node_config(priority, mode, global_extra=""):
    """Two instances: VI_4 holds the IPv4 VIP, VI_6 the IPv6 one."""
    extra = "    %s\n" % mode
    text = "global_defs {\n    router_id vigil-test\n%s}\n" % global_extra
    text += configs.vrrp_instance(name="VI_4", vrid=51, priority=priority,
                                  vips=(VIP4 + "/24",), advert_int=FAST, extra=extra)
    text += configs.vrrp_instance(name="VI_6", vrid=52, priority=priority,
                                  vips=(VIP6 + "/64",), advert_int=FAST, extra=extra)
    return text


def link_local_ready(host):
    out = host.exec("ip", "-6", "addr", "show", "dev", "eth0", "scope", "link").stdout
    return "inet6" in out and "tentative" not in out


def start_pair(lan, vigild, mode, global_extra=""):
    # IPv6 adverts need a link-local source: wait out DAD, so the backup
    # never becomes master for want of the master's adverts.
    wait_until(lambda: all(link_local_ready(h) for h in lan), "link-local addresses")
    a = vigild(lan[0], node_config(150, mode, global_extra), name="a")
    b = vigild(lan[1], node_config(100, mode, global_extra), name="b")
    a.start(workers=["vrrp"])
    b.start(workers=["vrrp"])
    for name in ("VI_4", "VI_6"):
        wait_state(a, name, "MASTER")
        wait_state(b, name, "BACKUP")
    return a, b


def wait_state(d, name, want, timeout=10):
    return d.wait(lambda: d.instance(name)["state"] == want and d.instance(name),
                  "%s to be %s" % (name, want), timeout)


def mac(host):
    out = host.exec("ip", "-j", "link", "show", "dev", "eth0").stdout
    return json.loads(out)[0]["address"]


def ping(host, addr):
    argv = ["ping", "-6" if ":" in addr else "-4", "-c", "1", "-W", "1", addr]
    return host.exec(*argv, check=False).returncode == 0


def neighbour(host, addr):
    """The lladdr of the client's neighbour entry for addr, or None."""
    out = host.exec("ip", "-j", "neigh", "show", "to", addr, "dev", "eth0").stdout
    entries = [e for e in json.loads(out or "[]") if "lladdr" in e]
    return entries[0]["lladdr"] if entries else None


def nft_table(host, table=TABLE):
    """`nft list table inet TABLE` in the host, or None when it does not exist."""
    proc = host.exec("nft", "list", "table", "inet", table, check=False)
    return proc.stdout if proc.returncode == 0 else None


def set_elements(text, name):
    m = re.search(r"set %s \{.*?\}" % name, text, re.S)
    body = m.group(0) if m else ""
    m = re.search(r"elements = \{([^}]*)\}", body)
    return {e.strip() for e in m.group(1).split(",")} if m else set()


def wait_until(cond, what, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(FAST)
    raise AssertionError("timed out waiting for " + what)


def unicast_ns_answered(client, master_mac):
    """A neighbour solicitation sent unicast to the VIP (as a reachability
    probe is) gets a neighbour advertisement back."""
    script = (
        "from scapy.all import *\n"
        "conf.verb = 0\n"
        "p = (Ether(dst=%r) / IPv6(src=%r, dst=%r) / ICMPv6ND_NS(tgt=%r) /\n"
        "     ICMPv6NDOptSrcLLAddr(lladdr=get_if_hwaddr('eth0')))\n"
        "r = srp1(p, iface='eth0', timeout=2)\n"
        "ok = r is not None and ICMPv6ND_NA in r and r[ICMPv6ND_NA].tgt == %r\n"
        "raise SystemExit(0 if ok else 1)\n"
    ) % (master_mac, client.addr6, VIP6, VIP6, str(ipaddress.ip_address(VIP6)))
    proc = subprocess.run(client.argv("/usr/bin/python3", "-c", script),
                          capture_output=True, text=True, timeout=20)
    return proc.returncode == 0


def test_no_accept_master_drops_vip_traffic_follows_failover_and_cleans_up(make_lan, vigild):
    lan = make_lan(3)
    client = lan[2]
    a, b = start_pair(lan, vigild, "no_accept")
    mac_a = mac(lan[0])

    # The master holds the VIPs and answers for them, but drops packets to them.
    assert not ping(client, VIP4)
    assert neighbour(client, VIP4) == mac_a
    assert ping(client, lan[0].addr4)            # the master's own address works
    assert not ping(client, VIP6)
    assert neighbour(client, VIP6) == mac_a
    assert unicast_ns_answered(client, mac_a)

    table = nft_table(lan[0])
    assert table is not None
    print(table)
    assert "hook input" in table and "policy accept" in table
    assert set_elements(table, "vips4") == {VIP4}
    assert set_elements(table, "vips6") == {"fd00::100"}
    table_b = nft_table(lan[1])                  # created lazily, by a master only
    assert table_b is None or set_elements(table_b, "vips4") | set_elements(table_b, "vips6") \
        == set()
    for name in ("VI_4", "VI_6"):
        ia, ib = a.instance(name), b.instance(name)
        assert ia["accept"] is False and ia["no_accept_filter"] is True
        assert ib["accept"] is False and ib["no_accept_filter"] is False

    # Failover: b filters, a's sets are empty, and the VIP still answers nothing.
    for name in ("VI_4", "VI_6"):
        assert a.ctl("vrrp", "maintenance", name).returncode == 0
        wait_state(b, name, "MASTER")
    table_b = nft_table(lan[1])
    assert table_b is not None
    assert set_elements(table_b, "vips4") == {VIP4}
    assert set_elements(table_b, "vips6") == {"fd00::100"}
    table_a = nft_table(lan[0])
    assert table_a is not None
    assert set_elements(table_a, "vips4") == set() and set_elements(table_a, "vips6") == set()
    assert a.instance("VI_4")["no_accept_filter"] is False
    assert b.instance("VI_4")["no_accept_filter"] is True
    mac_b = mac(lan[1])
    wait_until(lambda: not ping(client, VIP4) and neighbour(client, VIP4) == mac_b,
               "the client's ARP entry to move to b, its ping still unanswered", timeout=8)

    # Stop removes the table.
    b.stop()
    a.stop()
    assert nft_table(lan[1]) is None
    assert nft_table(lan[0]) is None


def test_accept_master_answers_and_a_stale_table_is_removed_at_start(make_lan, vigild):
    lan = make_lan(3)
    client = lan[2]
    # A table left by a crashed run, still dropping the VIPs.
    lan[0].exec("nft", "-f", "-", input=(
        "table inet vigil {\n"
        "  set vips4 { type ipv4_addr; elements = { %s } }\n"
        "  chain no_accept { type filter hook input priority -1; policy accept;\n"
        "    ip daddr @vips4 drop; }\n"
        "}\n") % VIP4)
    assert nft_table(lan[0]) is not None
    a, b = start_pair(lan, vigild, "accept")
    assert nft_table(lan[0]) is None
    assert "left by an earlier run" in a.log_text()
    assert ping(client, VIP4)
    assert neighbour(client, VIP4) == mac(lan[0])
    assert ping(client, VIP6)
    assert nft_table(lan[0]) is None and nft_table(lan[1]) is None
    ia = a.instance("VI_4")
    assert ia["accept"] is True and ia["no_accept_filter"] is False


def test_table_name_priority_and_counters_come_from_global_defs(make_lan, vigild):
    lan = make_lan(3)
    client = lan[2]
    g = "    nftables vigil_t\n    nftables_priority -5\n    nftables_counters\n"
    a, b = start_pair(lan, vigild, "no_accept", global_extra=g)
    assert not ping(client, VIP4)
    assert nft_table(lan[0]) is None
    table = nft_table(lan[0], "vigil_t")
    assert table is not None
    assert re.search(r"hook input priority (filter - 5|-5);", table), table
    # The dropped echo request was counted.
    m = re.search(r"ip daddr @vips4 counter packets (\d+)", table)
    assert m and int(m.group(1)) >= 1, table


def reload(d, text):
    before = d.status()["reloads"]["count"]
    d.write_config(text)
    assert d.ctl("reload").returncode == 0
    d.wait(lambda: d.status()["reloads"]["count"] > before, "the reload to be counted")


def test_reload_switches_a_running_master_between_accept_and_no_accept(make_lan, vigild):
    lan = make_lan(3)
    client = lan[2]
    a, b = start_pair(lan, vigild, "accept")
    assert ping(client, VIP4)
    reload(a, node_config(150, "no_accept"))
    assert a.instance("VI_4")["state"] == "MASTER"      # in place, no handover
    assert a.instance("VI_4")["no_accept_filter"] is True
    assert set_elements(nft_table(lan[0]), "vips4") == {VIP4}
    assert not ping(client, VIP4)
    reload(a, node_config(150, "accept"))
    assert a.instance("VI_4")["no_accept_filter"] is False
    assert set_elements(nft_table(lan[0]), "vips4") == set()
    assert ping(client, VIP4)


def test_address_owner_never_filters(make_lan, vigild):
    lan = make_lan(2)
    wait_until(lambda: all(link_local_ready(h) for h in lan), "link-local addresses")
    a = vigild(lan[0], node_config(255, "no_accept"), name="a")
    a.start(workers=["vrrp"])
    wait_state(a, "VI_4", "MASTER")
    assert ping(lan[1], VIP4)
    assert nft_table(lan[0]) is None
    assert a.instance("VI_4")["no_accept_filter"] is False
