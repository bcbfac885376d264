"""virtual_routes and virtual_rules: installed by the master only (after
its VIPs), moved with the master on failover, gone after a stop, and
removed at start-up when an earlier run left them behind."""

import re

from vigiltest import configs

FAST = 0.1
VIP4 = "10.0.0.100"

ROUTES = """    virtual_routes {
        10.9.0.0/24 via 10.0.0.254 dev eth0
        10.8.0.0/24 dev eth0 table 100
        blackhole 10.7.0.0/24
    }
    virtual_rules {
        from 10.0.0.100/32 table 100 priority 100
    }
"""


def node_config(priority, extra=ROUTES):
    return configs.global_defs("vigil-test") + configs.vrrp_instance(
        vrid=52, priority=priority, vips=(VIP4 + "/24",), version=3, advert_int=FAST,
        extra=extra)


def routes(host, table="main"):
    # A table with no route left does not exist: `ip` says so and fails.
    res = host.exec("ip", "-4", "route", "show", "table", table, check=False)
    assert res.returncode == 0 or "does not exist" in res.stderr, res.stderr
    return res.stdout


def rules(host):
    return host.exec("ip", "-4", "rule", "show").stdout


def holdings(host):
    """Which of the configured routes and rules the host has now."""
    main, t100, rl = routes(host), routes(host, "100"), rules(host)
    return {
        "via": bool(re.search(r"^10\.9\.0\.0/24 via 10\.0\.0\.254 dev eth0", main, re.M)),
        "table100": bool(re.search(r"^10\.8\.0\.0/24 dev eth0", t100, re.M)),
        "blackhole": bool(re.search(r"^blackhole 10\.7\.0\.0/24", main, re.M)),
        "rule": bool(re.search(r"^100:\s+from 10\.0\.0\.100 lookup 100", rl, re.M)),
    }


def holds_all(host):
    return all(holdings(host).values())


def holds_none(host):
    return not any(holdings(host).values())


def state(d):
    return d.instance("VI_1")["state"]


def wait_state(d, want, timeout=10):
    return d.wait(lambda: state(d) == want, "VI_1 to be %s" % want, timeout)


def start_pair(lan, vigild):
    a = vigild(lan[0], node_config(150), name="a")
    b = vigild(lan[1], node_config(100), name="b")
    a.start(workers=["vrrp"])
    b.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    wait_state(b, "BACKUP")
    return a, b


def test_master_holds_routes_and_rules_backup_none(lan, vigild):
    a, b = start_pair(lan, vigild)
    a.wait(lambda: holds_all(lan[0]), "the master's routes and rules")
    assert holdings(lan[0]) == {"via": True, "table100": True, "blackhole": True,
                                "rule": True}
    assert holds_none(lan[1]), holdings(lan[1])
    for d in (a, b):
        inst = d.instance("VI_1")
        assert inst["stats"]["route_errors"] == 0
        assert "virtual_routes_rules" not in inst["not_implemented"]


def test_routes_and_rules_move_on_failover_and_none_are_left_after_stop(lan, vigild):
    a, b = start_pair(lan, vigild)
    a.wait(lambda: holds_all(lan[0]), "the master's routes and rules")
    assert a.stop() == 0
    wait_state(b, "MASTER")
    b.wait(lambda: holds_all(lan[1]), "the new master's routes and rules")
    assert holds_none(lan[0]), holdings(lan[0])
    # The old master returns and preempts: they move back.
    a.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    wait_state(b, "BACKUP")
    a.wait(lambda: holds_all(lan[0]), "the routes and rules back on a")
    b.wait(lambda: holds_none(lan[1]), "b to give its routes and rules up")
    assert b.instance("VI_1")["stats"]["route_errors"] == 0
    assert b.stop() == 0
    assert a.stop() == 0
    assert holds_none(lan[0]), holdings(lan[0])
    assert holds_none(lan[1]), holdings(lan[1])


def test_stale_routes_and_rules_are_removed_at_start(lan, vigild):
    # What a killed master would have left on the node that starts as backup.
    h = lan[1]
    h.exec("ip", "route", "add", "10.9.0.0/24", "via", "10.0.0.254", "dev", "eth0")
    h.exec("ip", "route", "add", "blackhole", "10.7.0.0/24")
    h.exec("ip", "rule", "add", "from", "10.0.0.100/32", "table", "100", "priority", "100")
    assert holdings(h)["via"] and holdings(h)["rule"]
    a, b = start_pair(lan, vigild)
    assert holds_none(h), holdings(h)
    assert "left by an earlier run" in b.log_text()
    a.wait(lambda: holds_all(lan[0]), "the master's routes and rules")


def test_a_route_libnl_cannot_express_is_refused_and_counted(lan, vigild):
    extra = ("    virtual_routes {\n"
             "        10.6.0.0/24 via 10.0.0.254 or 10.0.0.253 dev eth0\n"
             "        10.9.0.0/24 via 10.0.0.254 dev eth0\n"
             "    }\n")
    a = vigild(lan[0], node_config(150, extra=extra), name="a")
    a.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    a.wait(lambda: holdings(lan[0])["via"], "the route that can be expressed")
    assert "10.6.0.0/24" not in routes(lan[0])
    assert a.instance("VI_1")["stats"]["route_errors"] >= 1
    log = a.log_text()
    assert re.search(r"cannot add route '10\.6\.0\.0/24 via .*'.*'or'", log), log[-2000:]


def test_reload_with_changed_routes_swaps_them_on_the_master(lan, vigild):
    """A reload that changes only the routes replaces them on the running
    master: the new line is installed and the old one removed."""
    a, b = start_pair(lan, vigild)
    a.wait(lambda: holds_all(lan[0]), "the master's routes and rules")
    a.write_config(node_config(150, ROUTES.replace("10.9.0.0/24", "10.6.0.0/24")))
    res = a.ctl("reload")
    assert res.returncode == 0, res
    wait_state(a, "MASTER")
    a.wait(lambda: re.search(r"^10\.6\.0\.0/24 via", routes(lan[0]), re.M),
           "the new route on the master")
    a.wait(lambda: not re.search(r"^10\.9\.0\.0/24", routes(lan[0]), re.M),
           "the old route gone from the master")
    assert holds_none(lan[1]), holdings(lan[1])


def has_vip(host):
    return (VIP4 + "/24") in host.exec("ip", "-4", "-o", "addr", "show", "dev", "eth0").stdout


def test_dont_release_vrrp_leaves_the_masters_addresses_and_routes_at_stop(lan, vigild):
    """vigild -V (keepalived's --dont-release-vrrp): the stopping master
    still resigns with priority 0, so the backup takes over, but its VIP,
    routes and rules stay; the next start without -V removes them."""
    a = vigild(lan[0], node_config(150), name="a")
    b = vigild(lan[1], node_config(100), name="b")
    a.start("-V", workers=["vrrp"])
    b.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    wait_state(b, "BACKUP")
    a.wait(lambda: holds_all(lan[0]) and has_vip(lan[0]), "the master's VIP, routes and rules")
    assert a.stop() == 0
    wait_state(b, "MASTER")
    assert has_vip(lan[0]) and holds_all(lan[0]), holdings(lan[0])
    assert "--dont-release-vrrp" in a.log_text()
    # A start without -V, as backup, clears what the last run left.
    a2 = vigild(lan[0], node_config(50), name="a2")
    a2.start(workers=["vrrp"])
    wait_state(a2, "BACKUP")
    assert holds_none(lan[0]) and not has_vip(lan[0]), holdings(lan[0])
    assert b.stop() == 0 and a2.stop() == 0
