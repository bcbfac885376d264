"""Namespaces for the benchmarks: a two-host LAN and a two-host network of
several LANs, built on the network tier's harness (tests/net/vigiltest).

Every namespace made here is deleted by delete_all(), which the benchmark
calls from a finally block and from its signal handlers; the harness's
own atexit hook is a second safety net.  Addresses are 10.x only, and
nothing is routed out of the namespaces.
"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "net"))

from vigiltest import topology           # noqa: E402
from vigiltest.topology import Netns, sh  # noqa: E402,F401

_made = []          # every Lan / Fabric, for delete_all()


class Lan(topology.Lan):
    """Two hosts on one bridge (br0 in the switch namespace), addresses
    10.<net>.0.<i>/24; cut()/mend() take host i off the bridge at once."""

    def __init__(self, net, hosts=2):
        super().__init__(hosts=hosts, net=net)
        _made.append(self)

    def mac(self, host):
        return host_mac(host, host.ifname)


class Fabric:
    """`nifs` LANs (bridges br0..br<n-1> in one switch namespace) and two
    hosts, each with eth0..eth<n-1>, one per LAN.  Host h (1-based) has
    10.<base+i>.0.<h>/16 on eth<i>; bridge port for host h on LAN i is
    p<h>_<i>."""

    def __init__(self, base_net, nifs=4, hosts=2):
        self.base_net = base_net
        self.nifs = nifs
        self.switch = Netns("sw")
        self.hosts = []
        _made.append(self)
        for i in range(nifs):
            br = "br%d" % i
            self.switch.exec("ip", "link", "add", br, "type", "bridge")
            self.switch.exec("ip", "link", "set", br, "up")
        for h in range(1, hosts + 1):
            self.hosts.append(self._host(h))

    def _host(self, h):
        host = Netns("h%d" % h)
        host.index = h
        for i in range(self.nifs):
            ifname, port = "eth%d" % i, "p%d_%d" % (h, i)
            sh("ip", "link", "add", ifname, "netns", host.name, "type", "veth",
               "peer", "name", port, "netns", self.switch.name)
            self.switch.exec("ip", "link", "set", port, "master", "br%d" % i, "up")
            host.exec("ip", "addr", "add", "10.%d.0.%d/16" % (self.base_net + i, h),
                      "dev", ifname)
            host.exec("ip", "link", "set", ifname, "up")
        return host

    def ports(self, host):
        return ["p%d_%d" % (host.index, i) for i in range(self.nifs)]

    def port_packets(self):
        """{port: (rx_packets, tx_packets)} of every bridge port; a port's
        rx is what its host sent."""
        out = self.switch.exec("ip", "-s", "-j", "link", "show").stdout
        stats = {}
        for link in json.loads(out):
            s = link.get("stats64") or link.get("stats") or {}
            stats[link["ifname"]] = (s.get("rx", {}).get("packets", 0),
                                     s.get("tx", {}).get("packets", 0))
        return stats

    def delete(self):
        for host in self.hosts:
            host.delete()
        self.switch.delete()


def host_mac(netns, ifname):
    out = netns.exec("ip", "-o", "link", "show", "dev", ifname).stdout
    return re.search(r"link/ether ([0-9a-f:]{17})", out).group(1)


def ipv4_addresses(netns, ifname=None):
    """The set of IPv4 addresses in the namespace (on one interface if
    given)."""
    argv = ["ip", "-4", "-o", "addr", "show"] + (["dev", ifname] if ifname else [])
    out = netns.exec(*argv, check=False).stdout
    return set(re.findall(r"inet ([0-9.]+)/", out))


def delete_all():
    while _made:
        _made.pop().delete()

