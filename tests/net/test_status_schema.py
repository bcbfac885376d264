"""`vigilctl status --json` against its published schema
(doc/status.schema.json, described in doc/status-json.md).

One host runs a vigild with everything the status can show: two VRRP
instances in a sync group, a third instance tracking a vrrp_script, an
interface, a track_file and a track_process, a virtual server whose real
servers are a live TCP backend and a dead one, and smtp_alert mail to a
local sink.  The real output must validate, every key in it must be
described (the schema forbids unknown keys), the validator must reject a
wrong state name and a missing field, so the schema is not vacuous, and
the schema's enums must be the C name tables.  The Prometheus endpoint of
the same daemon carries the process, mail and check figures.

VRRPv3 with 100 ms adverts, TCP_CHECK with a 1 s loop: about 8 s."""

import copy
import json
import os
import re
import signal
import time

import jsonschema
import pytest

from vigiltest.backends import TcpBackend

from test_metrics import samples, scrape, value
from test_smtp_alert import Sink, mail_defs
from test_vrrp_basic import FAST

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_PATH = os.path.join(HERE, "..", "..", "doc", "status.schema.json")
PAGE_PATH = os.path.join(HERE, "..", "..", "doc", "status-json.md")
SRC = os.path.join(HERE, "..", "..")
RS_UP, RS_DOWN, SORRY = "10.0.0.11", "10.0.0.12", "10.0.0.13"
VIP_VS, RS_PORT = "10.0.0.200", 8080
METRICS_PORT = 9651


# Maps keyed by names from a C table (a checker's outcomes, only those
# that happened): the only objects whose keys the schema does not list
# one by one (it restricts them with propertyNames instead).
OPEN_MAPS = {"outcomes"}


def load_schema():
    with open(SCHEMA_PATH) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def validator(schema):
    return jsonschema.Draft202012Validator(schema)


def instance(name, vrid, prio, vip, extra=""):
    return ("vrrp_instance %s {\n    state BACKUP\n    interface eth0\n"
            "    virtual_router_id %d\n    priority %d\n    version 3\n    advert_int %s\n"
            "    smtp_alert\n%s    virtual_ipaddress {\n        %s\n    }\n}\n"
            % (name, vrid, prio, FAST, extra, vip))


def tracked_objects(d, sleep_arg):
    rc = d.write_file("chk.sh", "#!/bin/sh\nexit 0\n")
    os.chmod(rc, 0o755)
    tf = d.write_file("tf", "0\n")
    return ("vrrp_script chk {\n    script %s\n    interval 0.2\n    weight 10\n}\n"
            "track_file tf {\n    file %s\n}\n"
            "vrrp_track_process sleeper {\n    process sleep %s\n    weight -5\n}\n"
            % (rc, tf, sleep_arg))


TRACKING = ("    track_script {\n        chk\n    }\n"
            "    track_interface {\n        trk0 weight -20\n    }\n"
            "    track_file {\n        tf weight -10\n    }\n"
            "    track_process {\n        sleeper\n    }\n")


def virtual_server():
    reals = "".join(
        "    real_server %s %d {\n        weight 2\n        TCP_CHECK {\n"
        "            connect_timeout 1\n            retry 0\n        }\n    }\n"
        % (a, RS_PORT) for a in (RS_UP, RS_DOWN))
    return ("virtual_server %s 80 {\n    delay_loop 1\n    lvs_sched rr\n    lvs_method NAT\n"
            "    protocol TCP\n    quorum 1\n    smtp_alert\n"
            "    sorry_server %s %d\n%s}\n" % (VIP_VS, SORRY, RS_PORT, reals))


def config(d, sleep_arg):
    defs = mail_defs().replace("global_defs {\n", "global_defs {\n    metrics_listen 127.0.0.1:%d\n"
                               % METRICS_PORT, 1)
    return (defs + tracked_objects(d, sleep_arg)
            + instance("VI_1", 51, 150, "10.0.0.100/24")
            + instance("VI_2", 52, 150, "10.0.0.101/24")
            + "vrrp_sync_group SG1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\n"
            + instance("VI_3", 53, 150, "10.0.0.102/24", TRACKING)
            + virtual_server())


def settled(d):
    """The status once every part has something to show: instances
    MASTER, the script run, both real servers checked, mail sent by both
    workers."""
    st = d.status()
    vs = st["virtual_servers"][0]
    reals = {r["address"]: r for r in vs["real_servers"]}
    workers = {w["name"]: w for w in st["workers"]}
    ok = (all(i["state"] == "MASTER" for i in st["vrrp"]["instances"])
          and st["vrrp"]["sync_groups"][0]["state"] == "MASTER"
          and "last" in st["vrrp"]["vrrp_scripts"][0]
          and reals[RS_UP]["up"] and reals[RS_UP]["checked"]
          and not reals[RS_DOWN]["up"]
          and all((workers[n]["smtp_alert"] or {}).get("sent", 0) > 0
                  for n in ("vrrp", "checker")))
    return ok and st


@pytest.fixture
def running(host, vigild, tmp_path):
    for a in (RS_UP, RS_DOWN, SORRY, VIP_VS):
        host.exec("ip", "addr", "add", "%s/24" % a, "dev", "eth0")
    host.exec("ip", "link", "add", "trk0", "type", "veth", "peer", "name", "trk0p")
    host.exec("ip", "link", "set", "trk0p", "up")
    host.exec("ip", "link", "set", "trk0", "up")
    sink = Sink(host, str(tmp_path / "mail"))
    backend = TcpBackend(host, RS_UP, RS_PORT).start()
    try:
        d = vigild(host, "")
        d.write_config(config(d, "%d.%d" % (800000 + os.getpid() % 1000, time.time() % 1000)))
        d.start(workers=["vrrp", "checker"])
        yield d, d.wait(lambda: settled(d), "every part of the status to settle", 10)
    finally:
        backend.stop()
        sink.stop()


def open_objects(schema, path="#"):
    """Object schemas that let unknown keys through, by path (the table-
    named maps excepted): each would let an undocumented field pass."""
    found = []
    if isinstance(schema, dict):
        if schema.get("properties") is not None and schema.get("additionalProperties") is not False:
            found.append(path)
        if "type" in schema and "object" in schema["type"] and "properties" not in schema \
                and path.rsplit("/", 1)[-1] not in OPEN_MAPS:
            found.append(path)
        for k, v in schema.items():
            found += open_objects(v, path + "/" + k)
    elif isinstance(schema, list):
        for i, v in enumerate(schema):
            found += open_objects(v, "%s/%d" % (path, i))
    return found


def property_names(schema):
    names = set()
    if isinstance(schema, dict):
        names |= set(schema.get("properties", {}))
        for v in schema.values():
            names |= property_names(v)
    elif isinstance(schema, list):
        for v in schema:
            names |= property_names(v)
    return names


def undescribed(doc, schema, root=None, path="$"):
    """Keys of DOC with no description in SCHEMA (following $ref, oneOf
    and items), as JSON paths."""
    root = root or schema
    if "$ref" in schema:
        target = root
        for part in schema["$ref"][2:].split("/"):
            target = target[part]
        return undescribed(doc, target, root, path)
    for alt in schema.get("oneOf", []):
        if "$ref" in alt and doc is not None:
            return undescribed(doc, alt, root, path)
    missing = []
    if isinstance(doc, dict) and "properties" in schema:
        for k, v in doc.items():
            sub = schema["properties"].get(k)
            if sub is None or "description" not in sub:
                missing.append("%s.%s" % (path, k))
            else:
                missing += undescribed(v, sub, root, "%s.%s" % (path, k))
    elif isinstance(doc, list) and "items" in schema:
        for i, v in enumerate(doc):
            missing += undescribed(v, schema["items"], root, "%s[%d]" % (path, i))
    return missing


def assert_valid(schema, doc):
    errors = sorted(validator(schema).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join("%s: %s" % (e.json_path, e.message[:300]) for e in errors[:20])


def assert_rejected(schema, doc, what):
    errors = list(validator(schema).iter_errors(doc))
    assert errors, "the schema accepts %s" % what
    return errors


def test_schema_is_strict_and_versioned():
    schema = load_schema()
    assert open_objects(schema) == []
    assert schema["properties"]["schema_version"]["const"] == "1.0"
    assert "schema_version" in schema["required"]
    with open(PAGE_PATH) as f:
        page = f.read()
    assert "`1.0`" in page
    assert sorted(n for n in property_names(schema) if "| `%s` |" % n not in page) == []


def c_names(path, table):
    """The strings of a C name table (`const char *const TABLE[...] = {...};`)."""
    with open(os.path.join(SRC, path)) as f:
        text = f.read()
    start = text.index("{", text.index(table + "["))
    return re.findall(r'"([^"]*)"', text[start:text.index("};", start)])


def test_schema_enums_are_the_c_name_tables():
    """A state, reason or outcome added in C must be added to the schema
    (and the page) too."""
    sch = load_schema()
    p = sch["properties"]
    inst = p["vrrp"]["properties"]["instances"]["items"]["properties"]
    scr = p["vrrp"]["properties"]["vrrp_scripts"]["items"]["properties"]
    vs = p["virtual_servers"]["items"]["properties"]
    chk = vs["real_servers"]["items"]["properties"]["checkers"]["items"]["properties"]
    pairs = [
        (("vrrp/vrrp_fsm.c", "vrrp_state_names"), sch["$defs"]["vrrp_state"]["enum"]),
        (("vrrp/vrrp_fsm.c", "vrrp_transition_reason_names"),
         inst["last_transition"]["properties"]["cause"]["enum"]),
        (("vrrp/vrrp_packet_dump.c", "vrrp_csum_form_names"), inst["checksum_form"]["enum"]),
        (("vrrp/vrrp_track.c", "vrrp_track_kind_names"),
         inst["tracking"]["items"]["properties"]["kind"]["enum"]),
        (("vrrp/vrrp_script_run.c", "vrrp_script_state_names"), scr["state"]["enum"]),
        (("vrrp/vrrp_script_run.c", "vrrp_script_reason_names"), scr["reason"]["enum"]),
        (("lib/script_run.c", "script_outcome_names"),
         scr["last"]["properties"]["outcome"]["enum"]),
        (("checker/check_conf.c", "check_type_names"), chk["type"]["enum"]),
        (("checker/check_probe.c", "check_outcome_names"),
         [n for n in chk["last_outcome"]["enum"] if n not in (None, "unknown")]),
        (("checker/check_conf.c", "check_protocol_names"), vs["protocol"]["enum"]),
        (("checker/check_conf.c", "check_sched_names"), vs["scheduler"]["enum"]),
        (("checker/check_conf.c", "check_fwd_method_names"), vs["forwarding"]["enum"]),
        (("daemon/daemon_args.c", "worker_kind_names"),
         p["workers"]["items"]["properties"]["name"]["enum"]),
    ]
    for (path, table), schema_names in pairs:
        assert c_names(path, table) == schema_names, table
    drops = (c_names("vrrp/vrrp_packet_dump.c", "vrrp_rx_verdict_names")[1:]     # not "ok"
             + c_names("vrrp/vrrp_instance_rx.c", "vrrp_instance_drop_names"))
    assert drops == list(inst["stats"]["properties"]["drops"]["properties"])
    children = set(c_names("daemon/child.c", "child_state_names")) | {"unresponsive"}
    assert children == set(p["workers"]["items"]["properties"]["state"]["enum"])


def test_real_status_validates_and_every_key_is_described(running):
    d, st = running
    schema = load_schema()
    assert st["schema_version"] == "1.0"
    assert_valid(schema, st)
    assert undescribed(st, schema) == []
    # What the test set up is there, with the values vigil really has.
    i3 = next(i for i in st["vrrp"]["instances"] if i["name"] == "VI_3")
    kinds = {t["kind"]: t for t in i3["tracking"]}
    assert set(kinds) == {"interface", "track_interface", "track_script", "track_file",
                          "track_process"}
    assert kinds["track_process"]["up"] is False and kinds["track_file"]["value"] == 0
    assert i3["effective_priority"] == 150 + 10 - 5      # script up +10, process down -5
    assert st["vrrp"]["sync_groups"][0]["members"] == ["VI_1", "VI_2"]
    workers = {w["name"]: w for w in st["workers"]}
    for w in workers.values():
        assert w["state"] == "running" and w["rss_bytes"] > 1 << 20 and w["cpu_seconds"] >= 0
        assert w["smtp_alert"]["sent"] >= 1 and w["smtp_alert"]["failed"] == 0
    assert st["rss_bytes"] > 1 << 20
    assert "smtp_alert" not in st["vrrp"]      # filed under the worker, not the VRRP part
    # The table shows the same figures: RSS and CPU columns, a mail line
    # under each worker that queued mail.
    lines = d.ctl("status").stdout.splitlines()
    for name in ("vrrp", "checker"):
        at = next(n for n, l in enumerate(lines) if l.startswith(name + " "))
        row = lines[at].split()
        assert float(row[-2]) > 1 and float(row[-1]) >= 0, lines[at]
        mail = re.match(r"^  mail: queued (\d+), sent (\d+), failed 0, dropped 0$", lines[at + 1])
        assert mail and int(mail.group(2)) >= 1, lines[at:at + 2]

    # A reload, and a checker that stops answering: the other shapes.
    assert d.ctl("reload").returncode == 0
    pid = workers["checker"]["pid"]
    os.kill(pid, signal.SIGSTOP)
    try:
        st2 = d.status()
    finally:
        os.kill(pid, signal.SIGCONT)
    assert st2["reloads"]["last"]["result"] == "ok"
    assert st2["virtual_servers"] is None and st2["ipvs"] is None
    checker = next(w for w in st2["workers"] if w["name"] == "checker")
    assert checker["state"] == "unresponsive" and checker["smtp_alert"] is None
    assert_valid(schema, st2)
    assert undescribed(st2, schema) == []


def test_validator_rejects_wrong_documents(running):
    _, st = running
    schema = load_schema()

    bad = copy.deepcopy(st)
    bad["vrrp"]["instances"][0]["state"] = "SLAVE"
    errors = assert_rejected(schema, bad, "an unknown VRRP state")
    assert any(list(e.path)[-1:] == ["state"] for e in errors)

    bad = copy.deepcopy(st)
    bad["virtual_servers"][0]["real_servers"][0]["checkers"][0]["last_outcome"] = "fine"
    assert_rejected(schema, bad, "an unknown check outcome")

    bad = copy.deepcopy(st)
    del bad["workers"][0]["restarts"]
    errors = assert_rejected(schema, bad, "a worker without restarts")
    assert any(e.validator == "required" for e in errors)

    bad = copy.deepcopy(st)
    del bad["schema_version"]
    assert_rejected(schema, bad, "a document without schema_version")

    bad = copy.deepcopy(st)
    bad["vrrp"]["sync_groups"][0]["undocumented"] = 1
    errors = assert_rejected(schema, bad, "an undocumented field")
    assert any(e.validator == "additionalProperties" for e in errors)

    bad = copy.deepcopy(st)
    bad["workers"][0]["smtp_alert"]["sent"] = -1
    assert_rejected(schema, bad, "a negative counter")


def test_metrics_carry_process_mail_and_check_figures(host, running):
    _, st = running
    code, text = scrape(host, METRICS_PORT)
    assert code == 200, text
    sm = samples(text)
    assert value(sm, "vigil_process_resident_memory_bytes", process="parent") > 1 << 20
    for w in ("vrrp", "checker"):
        assert value(sm, "vigil_process_resident_memory_bytes", process=w) > 1 << 20
        assert value(sm, "vigil_process_cpu_seconds_total", process=w) >= 0
        assert value(sm, "vigil_smtp_alert_mails_sent_total", worker=w) >= 1
        assert value(sm, "vigil_smtp_alert_mails_failed_total", worker=w) == 0
    vs = "TCP %s:80" % VIP_VS
    down = "%s:%d" % (RS_DOWN, RS_PORT)
    up = "%s:%d" % (RS_UP, RS_PORT)
    assert value(sm, "vigil_real_server_check_failures_total", virtual_server=vs,
                 real_server=down) >= 1
    assert value(sm, "vigil_real_server_check_failures_total", virtual_server=vs,
                 real_server=up) == 0
    assert 0 < value(sm, "vigil_real_server_check_latency_seconds", virtual_server=vs,
                     real_server=up) < 1
