"""CPU time and memory with many VRRP instances.

Two hosts on `nifs` LANs (one bridge each); each host runs one daemon
with `per_if` VRRPv3 instances on each of its interfaces (VRIDs 1..per_if,
one IPv4 VIP each).  Host 1 has priority 200 on all of them and is
master; host 2 (priority 100) is its backup peer, so the figures cover
both sides: the master sending every advert, the backup receiving them.

The master is started alone and timed until it holds every VIP, then the
backup; after `settle` seconds the window opens.  CPU is utime+stime from
/proc/PID/stat summed over the daemon's processes, the difference over
the window; memory is VmRSS and Pss (smaps_rollup) summed over them at
the end of the window.  The bridge ports' packet counters say how many
adverts each host sent during the window, to show the load was the one
intended (per_if * nifs / interval per second from the master, none from
the backup).
"""

import time

from bench_daemons import Daemon, cpu_seconds, memory_kib, vrrp_config
from bench_net import Fabric, ipv4_addresses


class LoadError(Exception):
    pass


def instances(fabric, per_if, prio):
    out = []
    for i in range(fabric.nifs):
        net = fabric.base_net + i
        for v in range(1, per_if + 1):
            out.append(("VI_%d_%d" % (i, v), "eth%d" % i, v, prio, "10.%d.1.%d/16" % (net, v)))
    return out


def vip_count(host, fabric):
    prefixes = tuple("10.%d.1." % (fabric.base_net + i) for i in range(fabric.nifs))
    return sum(1 for a in ipv4_addresses(host) if a.startswith(prefixes))


def wait_until(cond, timeout, what, daemons, step=0.25):
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        for d in daemons:
            if not d.running():
                raise LoadError("%s %s exited while waiting for %s\n%s"
                                % (d.kind, d.name, what, d.log_tail()))
        if time.monotonic() > deadline:
            raise LoadError("gave up after %.0fs waiting for %s" % (timeout, what))
        time.sleep(step)


def run_load(kind, base_net, workdir, vigil_build, per_if=250, nifs=4, interval=1.0,
             settle=15.0, window=30.0):
    """One daemon kind on a fresh fabric; returns a dict of figures."""
    fabric = Fabric(base_net, nifs)
    total = per_if * nifs
    master_host, backup_host = fabric.hosts
    m = Daemon(kind, master_host, vrrp_config("bench-m", instances(fabric, per_if, 200),
                                              advert_int=interval), workdir, "m", vigil_build)
    b = Daemon(kind, backup_host, vrrp_config("bench-b", instances(fabric, per_if, 100),
                                              advert_int=interval), workdir, "b", vigil_build)
    res = {"kind": kind, "instances": total, "interfaces": nifs}
    try:
        t0 = time.monotonic()
        m.start()
        wait_until(lambda: vip_count(master_host, fabric) == total, 120,
                   "the master to hold %d VIPs" % total, [m])
        res["master_all_vips_s"] = time.monotonic() - t0
        b.start()
        time.sleep(settle)
        res.update(window_figures(fabric, m, b, window, total))
        t0 = time.monotonic()
        b.stop(timeout=60)
        res["backup_stop_s"] = time.monotonic() - t0
        t0 = time.monotonic()
        m.stop(timeout=60)
        res["master_stop_s"] = time.monotonic() - t0
        res["master_vips_left_after_stop"] = vip_count(master_host, fabric)
    finally:
        b.kill()
        m.kill()
        fabric.delete()
    return res


def window_figures(fabric, m, b, window, total):
    procs = {"master": m.processes(), "backup": b.processes()}
    if not procs["master"] or not procs["backup"]:
        raise LoadError("a daemon is not running:\n%s\n%s" % (m.log_tail(), b.log_tail()))
    vips_before = (vip_count(m.host, fabric), vip_count(b.host, fabric))
    cpu0 = {r: cpu_seconds(p) for r, p in procs.items()}
    ports0 = fabric.port_packets()
    t0 = time.monotonic()
    time.sleep(window)
    elapsed = time.monotonic() - t0
    cpu1 = {r: cpu_seconds(p) for r, p in procs.items()}
    ports1 = fabric.port_packets()
    vips_after = (vip_count(m.host, fabric), vip_count(b.host, fabric))
    res = {"window_s": elapsed}
    for role, host in (("master", m.host), ("backup", b.host)):
        if set(cpu1[role]) != set(cpu0[role]):
            raise LoadError("%s processes changed during the window: %s -> %s"
                            % (role, sorted(cpu0[role]), sorted(cpu1[role])))
        cpu = sum(cpu1[role].values()) - sum(cpu0[role].values())
        mem = memory_kib(procs[role])
        sent = sum(ports1[p][0] - ports0[p][0] for p in fabric.ports(host))
        res[role] = {"processes": len(procs[role]), "cpu_s": cpu,
                     "cpu_percent": 100.0 * cpu / elapsed, "rss_kib": mem["rss"],
                     "pss_kib": mem["pss"], "pss_anon_kib": mem["pss_anon"],
                     "frames_sent_per_s": sent / elapsed}
    res["vips_master_backup_before"] = list(vips_before)
    res["vips_master_backup_after"] = list(vips_after)
    res["steady"] = vips_before == vips_after == (total, 0)
    return res
