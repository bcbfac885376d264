#!/usr/bin/python3
"""The VM tier: run a command under Debian's kernel, which has IPVS.

The host kernel has no IPVS and cannot load modules, so tests that need the
kernel's load balancer boot Debian's own kernel under qemu (TCG: KVM hangs on
these hosts).  The guest shares the host's root file system read-only over
9p and chroots into it, so it runs the binaries just built and the host's
ipvsadm.  The command's output and exit status come back over the serial
console, between two marker lines.

    vigilvm.py build                      fetch the kernel, build the initramfs
    vigilvm.py run [-t SECS] [-e K=V] -- COMMAND...

Images are cached in /var/cache/vigil-vm/<kernel version>/ (VIGIL_VM_CACHE
overrides), so only the first run downloads anything.
"""

import argparse
import contextlib
import fcntl
import glob
import gzip
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

CACHE = os.environ.get("VIGIL_VM_CACHE", "/var/cache/vigil-vm")
BUSYBOX = "/bin/busybox"
BEGIN_MARK = "VIGIL-VM-BEGIN"
EXIT_MARK = "VIGIL-VM-EXIT="

# Load order that works: busybox insmod ignores soft dependencies, so
# crc32c_generic (wanted by libcrc32c) goes first.  Each name brings its
# hard dependencies, found with `modprobe --show-depends`.
MODULES = [
    "crc32c_generic", "virtio_pci", "virtio_rng", "9pnet_virtio", "9p", "overlay",
    "ip_vs", "ip_vs_rr", "ip_vs_wrr", "ip_vs_lc", "ip_vs_wlc", "ip_vs_sh",
    "ip_vs_dh", "ip_vs_sed", "ip_vs_nq", "ip_vs_fo", "ip_vs_ovf", "ip_vs_mh",
    "ip_vs_lblc", "ip_vs_lblcr", "veth", "bridge", "macvlan", "dummy",
    "ip_vs_pe_sip",
]

# PID 1 of the guest.  It mounts the host root read-only with a writable
# overlay in memory and a fresh /run, runs the job in a chroot and prints the
# job's exit status as the last marker line.
INIT_SCRIPT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
while read -r mod; do
	insmod "/modules/$mod" 2>/dev/null || echo "vigil-vm: insmod $mod failed"
done < /modules/order
job=$(sed -n 's/.*vigil\.job=\([^ ]*\).*/\1/p' /proc/cmdline)
finish() { echo; echo "VIGIL-VM-EXIT=$1"; sync; poweroff -f; }
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /lower ||
	finish 125
cp "/lower$job" /job.sh || finish 125
# Writes land in guest memory (an overlay on the read-only host root), so
# the guest can write anywhere, sees all of the host's files (a build under
# /tmp included) and changes nothing on the host.
mount -t tmpfs -o size=70% tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /host ||
	finish 125
for fs in proc sys dev; do mount -o bind "/$fs" "/host/$fs"; done
mkdir -p /host/dev/pts /host/dev/shm
mount -t devpts devpts /host/dev/pts
mount -t tmpfs tmpfs /host/dev/shm
mount -t tmpfs tmpfs /host/run
cp /job.sh /host/run/vigil-vm-job.sh
echo "VIGIL-VM-BEGIN"
chroot /host /bin/sh /run/vigil-vm-job.sh < /dev/null 2>&1
finish $?
"""


class VMError(Exception):
    """The VM could not be built or did not bring back an exit status."""


def log(msg):
    print("vigil-vm: " + msg, file=sys.stderr, flush=True)


def _run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def kernel_package():
    """The exact package linux-image-amd64 depends on, e.g.
    linux-image-6.1.0-56-amd64 (a glob would fetch every flavour)."""
    for attempt in range(2):
        out = subprocess.run(["apt-cache", "depends", "linux-image-amd64"],
                             capture_output=True, text=True).stdout
        m = re.search(r"Depends:\s*(linux-image-[0-9][^\s]*-amd64)", out)
        if m:
            return m.group(1)
        if attempt == 0:
            log("apt-cache does not know linux-image-amd64; running apt-get update")
            subprocess.run(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL)
    return None


def _cached_versions():
    return sorted(d for d in os.listdir(CACHE)
                  if os.path.exists(os.path.join(CACHE, d, "vmlinuz")))


def _image_hash():
    h = hashlib.sha256()
    h.update(INIT_SCRIPT.encode())
    h.update(" ".join(MODULES).encode())
    return h.hexdigest()[:12]


def _download_kernel(pkg, vdir):
    debs = glob.glob(os.path.join(vdir, pkg + "_*.deb"))
    if debs:
        return debs[0]
    log("downloading " + pkg)
    # apt's sandbox user cannot write the cache folder; that is harmless.
    _run(["apt-get", "download", "-q", pkg], cwd=vdir, stdout=subprocess.DEVNULL,
         stderr=subprocess.DEVNULL)
    debs = glob.glob(os.path.join(vdir, pkg + "_*.deb"))
    if not debs:
        raise VMError("apt-get download %s produced no .deb" % pkg)
    return debs[0]


def _module_order(root, kver):
    """The .ko files to load, dependencies first, each once."""
    _run(["depmod", "-b", root, kver])
    order = []
    for mod in MODULES:
        out = subprocess.run(["modprobe", "-d", root, "-S", kver, "--show-depends", mod],
                             capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "insmod" and parts[1] not in order:
                order.append(parts[1])
    return order


def _write_initramfs(stage, out_path):
    files = subprocess.run(["find", "."], cwd=stage, capture_output=True,
                           check=True).stdout
    cpio = subprocess.run(["cpio", "--quiet", "-o", "-H", "newc", "-R", "0:0"], cwd=stage,
                          input=files, capture_output=True, check=True).stdout
    tmp = out_path + ".tmp"
    with gzip.open(tmp, "wb", compresslevel=9) as f:
        f.write(cpio)
    os.rename(tmp, out_path)


def _build_initramfs(root, kver, out_path):
    stage = tempfile.mkdtemp(prefix="vigil-vm-stage.")
    try:
        for d in ("bin", "proc", "sys", "dev", "lower", "rw", "host", "modules"):
            os.makedirs(os.path.join(stage, d))
        shutil.copy2(BUSYBOX, os.path.join(stage, "bin/busybox"))
        with open(os.path.join(stage, "init"), "w") as f:
            f.write(INIT_SCRIPT)
        os.chmod(os.path.join(stage, "init"), 0o755)
        names = []
        for ko in _module_order(root, kver):
            name = os.path.basename(ko)
            if ko.endswith(".xz"):
                name = name[:-3]
                with open(os.path.join(stage, "modules", name), "wb") as f:
                    _run(["xz", "-dc", ko], stdout=f)
            else:
                shutil.copy2(ko, os.path.join(stage, "modules", name))
            names.append(name)
        with open(os.path.join(stage, "modules/order"), "w") as f:
            f.write("\n".join(names) + "\n")
        _write_initramfs(stage, out_path)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _build_version(pkg, vdir, initrd):
    kver = pkg[len("linux-image-"):]
    deb = _download_kernel(pkg, vdir)
    scratch = tempfile.mkdtemp(prefix="vigil-vm-kernel.")
    try:
        _run(["dpkg-deb", "-x", deb, scratch])
        vmlinuz = glob.glob(os.path.join(scratch, "boot/vmlinuz-*"))
        if not vmlinuz:
            raise VMError("%s holds no boot/vmlinuz-*" % deb)
        log("building initramfs for " + kver)
        _build_initramfs(scratch, kver, initrd)
        shutil.copy2(vmlinuz[0], os.path.join(vdir, "vmlinuz.tmp"))
        os.rename(os.path.join(vdir, "vmlinuz.tmp"), os.path.join(vdir, "vmlinuz"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@contextlib.contextmanager
def _cache_lock():
    os.makedirs(CACHE, exist_ok=True)
    with open(os.path.join(CACHE, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def ensure_image():
    """(vmlinuz, initrd) for the current Debian kernel, built once and cached.
    Offline, the newest cached kernel is used."""
    with _cache_lock():
        pkg = kernel_package()
        if pkg is None:
            cached = _cached_versions()
            if not cached:
                raise VMError("cannot tell which kernel to use: apt-cache depends "
                              "linux-image-amd64 names none and nothing is cached")
            pkg = "linux-image-" + cached[-1]
        vdir = os.path.join(CACHE, pkg[len("linux-image-"):])
        os.makedirs(vdir, exist_ok=True)
        initrd = os.path.join(vdir, "initrd-%s.img" % _image_hash())
        if not (os.path.exists(initrd) and os.path.exists(os.path.join(vdir, "vmlinuz"))):
            _build_version(pkg, vdir, initrd)
            for old in glob.glob(os.path.join(vdir, "initrd-*.img")):
                if old != initrd:
                    os.unlink(old)
        return os.path.join(vdir, "vmlinuz"), initrd


def _job_script(command, env):
    lines = ["export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
             "export HOME=/tmp TMPDIR=/tmp LANG=C.UTF-8"]
    for key, value in sorted(env.items()):
        lines.append("export %s=%s" % (key, shlex.quote(str(value))))
    lines.append("cd /tmp")
    lines.append(command)
    return "\n".join(lines) + "\n"


def _qemu_argv(vmlinuz, initrd, job_path, memory_mb, smp):
    append = "console=ttyS0 panic=-1 quiet loglevel=3 vigil.job=" + job_path
    return ["qemu-system-x86_64", "-accel", "tcg,thread=multi", "-cpu", "max",
            "-smp", str(smp), "-m", str(memory_mb), "-nodefaults", "-no-reboot",
            "-display", "none", "-monitor", "none", "-nic", "none",
            "-kernel", vmlinuz, "-initrd", initrd, "-append", append,
            "-fsdev", "local,id=r,path=/,security_model=none,readonly=on,multidevs=remap",
            "-device", "virtio-9p-pci,fsdev=r,mount_tag=hostroot",
            "-device", "virtio-rng-pci"]


class Result:
    def __init__(self, returncode, output, console, seconds):
        self.returncode = returncode   # the command's exit status
        self.output = output           # what it printed (stdout and stderr)
        self.console = console         # the whole serial console, for diagnosis
        self.seconds = seconds

    def __repr__(self):
        return "Result(rc=%r, %.1fs)" % (self.returncode, self.seconds)


def parse_console(text):
    """(exit status, output) from a console log; status None when the job
    never finished."""
    text = text.replace("\r\n", "\n").replace("\r", "")
    start = text.find(BEGIN_MARK + "\n")
    m = re.search(r"^" + EXIT_MARK + r"(\d+)$", text, re.M)
    if m is None:
        return None, text[start + len(BEGIN_MARK) + 1:] if start >= 0 else ""
    body = text[start + len(BEGIN_MARK) + 1:m.start()] if start >= 0 else ""
    if body.endswith("\n\n"):
        body = body[:-1]   # the newline `finish` adds before the marker
    return int(m.group(1)), body


def run(command, timeout=180, env=None, memory_mb=1024, smp=2):
    """Boot the VM, run `command` (a shell script) in the chrooted host root
    and return a Result.  Raises VMError when no exit status came back
    within `timeout` seconds (console tail included)."""
    vmlinuz, initrd = ensure_image()
    jobdir = tempfile.mkdtemp(prefix="vigil-vm-job.")
    try:
        job = os.path.join(jobdir, "job.sh")
        with open(job, "w") as f:
            f.write(_job_script(command, env or {}))
        console = os.path.join(jobdir, "console.log")
        argv = _qemu_argv(vmlinuz, initrd, job, memory_mb, smp)
        argv += ["-serial", "file:" + console]
        started = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        try:
            qemu_out = proc.communicate(timeout=timeout)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            proc.kill()
            qemu_out = proc.communicate()[0].decode(errors="replace")
            qemu_out += "\n(timed out after %ds)" % timeout
        seconds = time.monotonic() - started
        with open(console, errors="replace") as f:
            text = f.read()
        rc, output = parse_console(text)
        if rc is None or BEGIN_MARK not in text:
            tail = "\n".join(text.replace("\r", "").splitlines()[-40:])
            raise VMError("the VM brought back no exit status (qemu exit %s)\n%s\n"
                          "--- console tail ---\n%s" % (proc.returncode, qemu_out, tail))
        return Result(rc, output, text, seconds)
    finally:
        shutil.rmtree(jobdir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("build", help="fetch the kernel and build the initramfs (cached)")
    r = sub.add_parser("run", help="run a command in the VM; exits with its status")
    r.add_argument("-t", "--timeout", type=int, default=180)
    r.add_argument("-e", "--env", action="append", default=[], metavar="KEY=VALUE")
    r.add_argument("command", nargs="+")
    args = ap.parse_args()
    try:
        if args.cmd == "build":
            print("\n".join(ensure_image()))
            return 0
        env = dict(kv.split("=", 1) for kv in args.env)
        res = run(" ".join(args.command), timeout=args.timeout, env=env)
        sys.stdout.write(res.output)
        log("exit %d after %.1fs" % (res.returncode, res.seconds))
        return res.returncode
    except (VMError, subprocess.CalledProcessError) as e:
        log(str(e))
        return 125


if __name__ == "__main__":
    sys.exit(main())
