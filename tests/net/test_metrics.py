"""The Prometheus endpoint (global_defs `metrics_listen`): what a scrape
sees is the live state, in a format Prometheus' own parser (the Python
client's) accepts.

A pair on a LAN, VRRPv3 with 100 ms adverts; each node serves /metrics on
its LAN address; the test scrapes from the namespace."""

import time

from prometheus_client.parser import text_string_to_metric_families

from vigiltest import configs

from test_vrrp_basic import FAST, wait_state

PORT = 9650


def node_config(priority, port=PORT, host_addr="127.0.0.1"):
    return (configs.global_defs().replace(
        "}\n", "    metrics_listen %s:%d\n}\n" % (host_addr, port), 1)
        + configs.vrrp_instance(priority=priority, advert_int=FAST))


def scrape(host, port=PORT, path="/metrics"):
    res = host.exec("curl", "-s", "-S", "-m", "5", "-w", "\n%{http_code}",
                    "http://127.0.0.1:%d%s" % (port, path), check=False)
    body, _, code = res.stdout.rpartition("\n")
    return int(code or 0), body


def samples(text):
    """{(name, frozenset(labels)): value}, through Prometheus' parser."""
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def value(sm, name, **labels):
    want = frozenset(labels.items())
    hits = [v for (n, ls), v in sm.items() if n == name and want <= ls]
    assert len(hits) == 1, "%s%r: %r" % (name, labels, hits)
    return hits[0]


def test_metrics_follow_a_failover(lan, vigild):
    a = vigild(lan[0], node_config(150), name="a").start(workers=["vrrp"])
    b = vigild(lan[1], node_config(100), name="b").start(workers=["vrrp"])
    wait_state(a, "MASTER")
    wait_state(b, "BACKUP")
    code, text = scrape(lan[0])
    assert code == 200, text
    sa = samples(text)
    assert value(sa, "vigil_vrrp_instance_state", vrrp_instance="VI_1") == 2
    assert value(sa, "vigil_vrrp_instance_effective_priority", vrrp_instance="VI_1") == 150
    assert value(sa, "vigil_worker_up", worker="vrrp") == 1
    assert value(sa, "vigil_vrrp_adverts_dropped_total", vrrp_instance="VI_1", reason="bad_ttl") == 0
    sent = value(sa, "vigil_vrrp_adverts_sent_total", vrrp_instance="VI_1")
    assert sent >= 1
    sb = samples(scrape(lan[1])[1])
    assert value(sb, "vigil_vrrp_instance_state", vrrp_instance="VI_1") == 1
    assert value(sb, "vigil_vrrp_became_master_total", vrrp_instance="VI_1") == 0
    assert value(sb, "vigil_vrrp_adverts_received_total", vrrp_instance="VI_1") >= 1

    # The counters move between scrapes: the state is read at scrape time.
    time.sleep(5 * FAST)
    assert value(samples(scrape(lan[0])[1]), "vigil_vrrp_adverts_sent_total",
                 vrrp_instance="VI_1") >= sent + 3

    lan.cut(lan[0])
    cut_at = time.time()
    wait_state(b, "MASTER", timeout=5)
    sb = samples(scrape(lan[1])[1])
    assert value(sb, "vigil_vrrp_instance_state", vrrp_instance="VI_1") == 2
    assert value(sb, "vigil_vrrp_became_master_total", vrrp_instance="VI_1") == 1
    when = value(sb, "vigil_vrrp_instance_last_transition_timestamp_seconds", vrrp_instance="VI_1")
    assert cut_at - 1 <= when <= time.time() + 1


def test_metrics_endpoint_paths_reload_and_stop(host, vigild):
    d = vigild(host, node_config(100), name="a").start(workers=["vrrp"])
    wait_state(d, "MASTER", timeout=5)
    assert scrape(host, path="/nope")[0] == 404
    code, text = scrape(host)
    assert code == 200 and "vigil_build_info" in text
    # Many scrapes at once are all answered (one status collection may
    # serve several of them).
    procs = [host.popen("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                        "http://127.0.0.1:%d/metrics" % PORT, stdout=-1, text=True)
             for _ in range(8)]
    assert [p.communicate(timeout=10)[0] for p in procs] == ["200"] * 8
    # A reload moves the endpoint; the old port closes.
    d.write_config(node_config(100, port=PORT + 1))
    assert d.ctl("reload").returncode == 0
    d.wait(lambda: scrape(host, port=PORT + 1)[0] == 200, "the new port", timeout=5)
    assert scrape(host, port=PORT)[0] == 0
    assert d.stop() == 0
    assert scrape(host, port=PORT + 1)[0] == 0
