"""`vigild -t` and `vigild --dump-config`: what an operator runs before a
reload.  Run inside a host namespace, whose eth0 the configs name."""

import glob
import json
import os
import re

import pytest

from vigiltest import configs

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLES = sorted(glob.glob(os.path.join(REPO, "conf-samples", "*.conf")))


def write(path, text):
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    with open(str(path), "w") as f:
        f.write(text)
    return str(path)


def error_lines(stderr):
    return [line for line in stderr.splitlines() if ": error: " in line]


def test_good_config_passes(host, build, tmp_path):
    conf = write(tmp_path / "good.conf", configs.both_config())
    proc = build.run_vigild("-t", "-f", conf, netns=host)
    assert proc.returncode == 0, proc.stderr
    assert not error_lines(proc.stderr)


@pytest.mark.parametrize("bad,needle", [
    ("    priority 0\n", "priority"),
    ("    virtual_router_id 256\n", "virtual_router_id"),
    ("    bogus_keyword yes\n", "bogus_keyword"),
], ids=["priority-0", "vrid-256", "unknown-keyword"])
def test_bad_config_fails_with_file_and_line(host, build, tmp_path, bad, needle):
    text = configs.vrrp_config().replace("    interface eth0\n", "    interface eth0\n" + bad)
    line = text.splitlines().index(bad.rstrip("\n")) + 1
    conf = write(tmp_path / "bad.conf", text)
    proc = build.run_vigild("-t", "-f", conf, netns=host)
    assert proc.returncode == 1, proc
    errors = error_lines(proc.stderr)
    assert any(e.startswith("%s:%d: error: " % (conf, line)) for e in errors), proc.stderr
    assert any(needle in e for e in errors), proc.stderr


def test_every_error_is_reported_not_just_the_first(host, build, tmp_path):
    text = (configs.global_defs() + "first_unknown 1\n" + configs.vrrp_instance()
            + "second_unknown 2\n")
    lines = text.splitlines()
    conf = write(tmp_path / "two.conf", text)
    proc = build.run_vigild("-t", "-f", conf, netns=host)
    assert proc.returncode == 1
    for bad in ("first_unknown 1", "second_unknown 2"):
        where = "%s:%d: error:" % (conf, lines.index(bad) + 1)
        assert where in proc.stderr, proc.stderr


def test_missing_config_file_is_an_error(host, build, tmp_path):
    proc = build.run_vigild("-t", "-f", tmp_path / "absent.conf", netns=host)
    assert proc.returncode == 1
    assert "absent.conf" in proc.stderr


def test_includes_are_relative_to_the_including_file(host, build, tmp_path):
    top = write(tmp_path / "etc" / "vigil.conf", configs.global_defs() + "include conf.d/*.conf\n")
    write(tmp_path / "etc" / "conf.d" / "a.conf",
          "include ../more/b.conf\n" + configs.vrrp_instance(name="VI_A", vrid=10))
    write(tmp_path / "etc" / "more" / "b.conf", configs.vrrp_instance(name="VI_B", vrid=11))
    # Run from elsewhere: the paths must not depend on the working directory.
    proc = build.run_vigild("-t", "-f", top, netns=host, cwd="/")
    assert proc.returncode == 0, proc.stderr
    dump = build.run_vigild("--dump-config", "-f", top, netns=host, cwd="/")
    assert dump.returncode == 0, dump.stderr
    text = json.dumps(json.loads(dump.stdout))
    assert "VI_A" in text and "VI_B" in text


def test_error_in_an_included_file_names_that_file(host, build, tmp_path):
    top = write(tmp_path / "vigil.conf", configs.global_defs() + "include sub/x.conf\n")
    sub_text = configs.vrrp_instance().replace("priority 100", "priority 999")
    sub = write(tmp_path / "sub" / "x.conf", sub_text)
    line = sub_text.splitlines().index("    priority 999") + 1
    proc = build.run_vigild("-t", "-f", top, netns=host)
    assert proc.returncode == 1
    assert re.search(r"^%s:%d: error: " % (re.escape(sub), line), proc.stderr, re.M), proc.stderr


def test_dump_config_prints_the_parsed_values(host, build, tmp_path):
    conf = write(tmp_path / "d.conf", configs.vrrp_config(name="VI_dump", vrid=77, priority=123))
    proc = build.run_vigild("--dump-config", "-f", conf, netns=host)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    text = json.dumps(doc)
    assert "VI_dump" in text
    assert re.search(r'"virtual_router_id": 77\b|"vrid": 77\b', text), text[:2000]
    assert re.search(r'"priority": 123\b', text), text[:2000]


@pytest.mark.parametrize("sample", SAMPLES, ids=[os.path.basename(s) for s in SAMPLES])
def test_sample_configs_pass(host, build, sample):
    proc = build.run_vigild("-t", "-f", sample, netns=host)
    assert proc.returncode == 0, proc.stderr


def test_there_are_sample_configs():
    assert len(SAMPLES) >= 2
