"""FILE_CHECK follows its file: a real server changes state as soon as the
file changes, not at the next delay_loop.  One host, the checker worker
only (no IPVS here: the states are read from `vigilctl status`).

delay_loop is 30 s and the first attempt comes at once (warmup 0), so
after that only a change vigild saw can explain a state change within
FAST seconds.  The file is changed in every way that matters: written in
place, replaced by a rename (as editors and `mv` do: a watch on the old
inode would be lost), deleted (a missing file reads as 0), created again;
and a file whose directory is missing at start is followed once the
directory exists: the next periodic attempt sees it and sets the watch,
and from then on changes are again seen at once (delay_loop 8 s there)."""

import os
import time

from vigiltest import configs
from vigiltest.wait import wait_for

VIP = "10.0.0.100"
RS_FOLLOW, RS_LATE = "10.0.0.11", "10.0.0.12"
LOOP = 30        # delay_loop of the followed file: never reached in this test
LATE_LOOP = 8    # delay_loop of the file whose directory comes later
FAST = 3         # "at once", with room for a loaded machine


def real_server(addr, track, loop):
    # weight 0: a non-zero value means down, zero (or no file) up.
    return ("    real_server %s 80 {\n"
            "        delay_loop %d\n"
            "        warmup 0\n"
            "        retry 0\n"
            "        FILE_CHECK {\n"
            "            track_file %s\n"
            "            weight 0\n"
            "        }\n"
            "    }\n") % (addr, loop, track)


def config(follow_path, late_path):
    return (configs.global_defs()
            + 'track_file follow {\n    file "%s"\n}\n' % follow_path
            + 'track_file late {\n    file "%s"\n}\n' % late_path
            + "virtual_server %s 80 {\n    protocol TCP\n" % VIP
            + real_server(RS_FOLLOW, "follow", LOOP)
            + real_server(RS_LATE, "late", LATE_LOOP)
            + "}\n")


def rs_state(d, addr):
    for v in d.status()["virtual_servers"]:
        for r in v["real_servers"]:
            if r["address"] == addr:
                return r
    raise AssertionError("no real server %s" % addr)


def wait_up(d, addr, up, what, timeout=FAST):
    """Waits for the real server to be `up`; returns how long it took."""
    t0 = time.monotonic()
    wait_for(lambda: rs_state(d, addr)["up"] is up, timeout, "%s %s" % (addr, what),
             interval=0.05, diagnose=d.diagnose)
    return time.monotonic() - t0


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def replace(path, text):
    """What an editor or `mv` does: a new inode renamed over the old one."""
    tmp = path + ".new"
    write(tmp, text)
    os.rename(tmp, path)


def test_file_check_follows_the_file(host, vigild):
    d = vigild(host, "")
    watched = os.path.join(d.dir, "watched")
    os.mkdir(watched)
    follow = os.path.join(watched, "value")
    late_dir = os.path.join(d.dir, "later")
    late = os.path.join(late_dir, "value")
    write(follow, "0\n")
    d.write_config(config(follow, late))
    d.start(workers=["checker"])
    wait_for(lambda: rs_state(d, RS_FOLLOW)["checked"], 5, "first check", interval=0.05,
             diagnose=d.diagnose)
    assert rs_state(d, RS_FOLLOW)["up"] is True

    took = {}
    write(follow, "1\n")
    took["in place, down"] = wait_up(d, RS_FOLLOW, False, "down after an in-place write")
    replace(follow, "0\n")
    took["renamed over, up"] = wait_up(d, RS_FOLLOW, True, "up after a rename")
    write(follow, "1\n")    # the new inode: still followed
    took["after rename, down"] = wait_up(d, RS_FOLLOW, False, "down after the rename")
    os.unlink(follow)
    took["deleted, up"] = wait_up(d, RS_FOLLOW, True, "up once the file is gone")
    write(follow, "1\n")
    took["created, down"] = wait_up(d, RS_FOLLOW, False, "down once the file is back")
    print("seconds from change to state: %r" % took)
    for what, seconds in took.items():
        assert seconds < FAST, (what, seconds)
    c = rs_state(d, RS_FOLLOW)["checkers"][0]
    assert c["last_outcome"] == "file", c

    # The directory did not exist at start: the file reads as missing (up),
    # and the periodic attempts go on until the watch can be set.
    assert rs_state(d, RS_LATE)["up"] is True
    os.mkdir(late_dir)
    write(late, "1\n")
    wait_up(d, RS_LATE, False, "down via the periodic read", timeout=LATE_LOOP + FAST)
    write(late, "0\n")     # the next periodic read is LATE_LOOP away
    assert wait_up(d, RS_LATE, True, "up after the watch was set") < FAST
    assert "error" not in d.log_text().lower(), d.log_tail()
