"""Takeover delay beyond what the RFC requires, measured on the wire.

A pair of the same daemon on a two-host LAN: node a (priority 200) is
master, node b (priority 100) backup, one VRRPv3 instance, one IPv4 VIP.
One tcpdump on the LAN's bridge (br0 in the switch namespace) records
every advert and ARP frame; all times below are that capture's
timestamps, so both daemons are timed by the same clock at the same
place.

- crash: a's bridge port is set down (no farewell packet can get out).
  Delay = b's first gratuitous ARP for the VIP - a's last advert seen
  - the RFC 5798 Master_Down_Interval of b (3 * interval + skew).
- stop: a's daemon gets SIGTERM and sends priority 0.
  Delay = b's first gratuitous ARP - a's priority 0 advert - b's
  Skew_Time ((256 - priority) * interval / 256).

Between the event and the deadline by which the takeover must have
happened, the benchmark only sleeps (no polling processes competing for
the two cores); it checks afterwards that b holds the VIP, then restores
the pair and waits for it to settle before the next trial.  Trials of the
two daemons are interleaved, so slow drifts of the machine hit both.
"""

import random
import time

from bench_daemons import Daemon, vrrp_config
from bench_net import Lan, host_mac, ipv4_addresses

PRIO_A, PRIO_B = 200, 100
VRID = 51


def master_down_s(interval, priority):
    return 3 * interval + skew_s(interval, priority)


def skew_s(interval, priority):
    return (256 - priority) * interval / 256.0


class TrialError(Exception):
    pass


class Pair:
    """Two daemons of one kind on their own LAN 10.<net>.0.0/24."""

    def __init__(self, kind, net, workdir, vigil_build):
        self.kind = kind
        self.lan = Lan(net)
        self.workdir = workdir
        self.vigil_build = vigil_build
        self.vip = "10.%d.0.100" % net
        self.addr_a = self.lan[0].addr4
        self.addr_b = self.lan[1].addr4
        self.mac_b = host_mac(self.lan[1], "eth0")
        self.a = self.b = None
        self.interval = None

    def configure(self, interval):
        """Stop whatever runs, and make daemons for `interval` seconds."""
        self.stop()
        self.interval = interval
        vip = self.vip + "/24"
        conf = lambda rid, prio: vrrp_config(rid, [("VI_1", "eth0", VRID, prio, vip)],
                                             advert_int=interval)
        self.a = Daemon(self.kind, self.lan[0], conf("bench-a", PRIO_A), self.workdir,
                        "a", self.vigil_build)
        self.b = Daemon(self.kind, self.lan[1], conf("bench-b", PRIO_B), self.workdir,
                        "b", self.vigil_build)

    def start(self):
        self.a.start()
        self.wait(lambda: self.vip_on(0), "a to take the VIP", 10 + 4 * self.interval)
        self.b.start()
        time.sleep(0.3)
        self.settle()

    def settle(self):
        """a holds the VIP, b does not, and b has heard a few adverts."""
        self.wait(lambda: self.vip_on(0) and not self.vip_on(1),
                  "a to hold the VIP alone", 10 + 8 * self.interval)
        time.sleep(max(3 * self.interval, 0.15) + random.uniform(0, self.interval))

    def vip_on(self, i):
        return self.vip in ipv4_addresses(self.lan[i], "eth0")

    def wait(self, cond, what, timeout, step=0.02):
        deadline = time.monotonic() + timeout
        while not cond():
            for d in (self.a, self.b):
                if d.proc is not None and not d.running():
                    raise TrialError("%s %s exited (%s)\n%s" % (self.kind, d.name,
                                                               d.proc.returncode, d.log_tail()))
            if time.monotonic() > deadline:
                raise TrialError("%s: gave up waiting %.1fs for %s\n--- a ---\n%s--- b ---\n%s"
                                 % (self.kind, timeout, what, self.a.log_tail(10),
                                    self.b.log_tail(10)))
            time.sleep(step)

    def stop(self):
        for d in (self.b, self.a):
            if d is not None:
                d.stop()
        if self.a is not None:
            self.lan.mend(self.lan[0])

    def crash_trial(self):
        """Cut a off the LAN, let b take over, plug a back in."""
        time.sleep(random.uniform(0, self.interval))       # a random advert phase
        t0 = time.time()
        self.lan.cut(self.lan[0])
        t1 = time.time()
        time.sleep(master_down_s(self.interval, PRIO_B) + 0.1 + self.interval / 2)
        try:
            self.wait(lambda: self.vip_on(1), "b to take over", 5)
        finally:
            t2 = time.time()
            self.lan.mend(self.lan[0])
        self.settle()
        return {"before": t0, "after": t1, "done": t2}

    def stop_trial(self):
        """Stop a's daemon cleanly, let b take over, start a again."""
        time.sleep(random.uniform(0, self.interval))
        t0 = time.time()
        self.a.stop()
        t1 = time.time()
        time.sleep(skew_s(self.interval, PRIO_B) + 0.1 + self.interval / 2)
        try:
            self.wait(lambda: self.vip_on(1), "b to take over", 5)
        finally:
            t2 = time.time()
            self.a.start()
        self.settle()
        return {"before": t0, "after": t1, "done": t2}


def wire_events(pcap_path, pair):
    """(adverts, garps) from the capture: adverts as (time, src, priority),
    b's gratuitous ARPs for the VIP as times."""
    from scapy.all import rdpcap
    from scapy.layers.inet import IP
    from scapy.layers.l2 import ARP, Ether
    from scapy.layers.vrrp import VRRP, VRRPv3
    adverts, garps = [], []
    for p in rdpcap(pcap_path):
        t = float(p.time)
        vrrp = p.getlayer(VRRPv3) or p.getlayer(VRRP)
        if vrrp is not None and IP in p:
            adverts.append((t, p[IP].src, vrrp.priority))
        elif ARP in p and p[ARP].psrc == pair.vip and p[ARP].pdst == pair.vip \
                and p[Ether].src == pair.mac_b:
            garps.append(t)
    return adverts, garps


def measure(trials, adverts, garps, pair, mode):
    """Fill each trial with `ref` (a's last advert, or its priority 0
    advert), `garp`, `b_advert` and the delays beyond the RFC figure."""
    interval = pair.interval
    rfc = master_down_s(interval, PRIO_B) if mode == "crash" else skew_s(interval, PRIO_B)
    prev_done = 0.0
    for i, tr in enumerate(trials):
        if tr.get("error"):
            prev_done = tr.get("done", prev_done)
            continue
        until = trials[i + 1]["before"] if i + 1 < len(trials) else float("inf")
        if mode == "crash":
            refs = [t for t, src, prio in adverts
                    if src == pair.addr_a and prio > 0 and prev_done < t <= tr["after"]]
            ref = max(refs) if refs else None
        else:
            refs = [t for t, src, prio in adverts
                    if src == pair.addr_a and prio == 0 and tr["before"] - 0.01 <= t <= tr["done"]]
            ref = min(refs) if refs else None
        prev_done = tr["done"]
        if ref is None:
            tr["error"] = "no reference advert from a in the capture"
            continue
        g = [t for t in garps if ref < t < until]
        b = [t for t, src, prio in adverts if src == pair.addr_b and ref < t < until]
        if not g:
            tr["error"] = "no gratuitous ARP from b in the capture"
            continue
        tr.update(ref=ref, rfc_s=rfc, garp=g[0], delay_s=g[0] - ref - rfc,
                  advert_delay_s=(b[0] - ref - rfc) if b else None)
    return trials
