"""HTTP_GET and SSL_GET against real servers in namespaces, and
`vigilctl genhash`.

Host 1 (10.0.0.1) runs the probe through tests/tools/check_probe_tool and
genhash; host 2 (10.0.0.2) runs one Python server speaking HTTP on 8080
and HTTPS on 8443 (a self-signed certificate made here with openssl req).
The server logs every request (client address, path, HTTP version, Host,
Connection) and every SNI name it is offered, so the tests can assert
what the probe sent, not only what it concluded.
"""

import hashlib
import json
import os
import subprocess
import time

import pytest

PYTHON = "/usr/bin/python3"
HTTP_PORT, HTTPS_PORT, MTLS_PORT = 8080, 8443, 8444
BODY = b"vigil health page\nstatus: up\n"
VHOST = "www.example.test"

# argv: log file, cert, key, client CA (8444 requires a client certificate
# it signed).  Paths: /ok (200, BODY), /down (503),
# /moved (301 to /ok), /slow (never answers), /host (200, "host=HOST\n").
SERVER = r"""
import http.server, socket, socketserver, ssl, sys, threading, time
log_path, cert, key, client_ca = sys.argv[1:5]
BODY = %r
log = open(log_path, "a", buffering=1)

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        log.write("req %%s %%s %%s host=%%s conn=%%s\n" %% (self.client_address[0], self.path,
                  self.request_version, self.headers.get("Host"),
                  self.headers.get("Connection")))
        if self.path == "/slow":
            time.sleep(60)
            return
        if self.path in RAW:
            self.raw(RAW[self.path])
            return
        code, body, extra = 200, BODY, {}
        if self.path == "/down":
            code, body = 503, b"maintenance\n"
        elif self.path == "/moved":
            code, body, extra = 301, b"", {"Location": "/ok"}
        elif self.path == "/host":
            body = ("host=%%s\n" %% self.headers.get("Host")).encode()
        self.send_response(code)
        for k, v in extra.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    # answers made of bytes of our own: framings and breakage that
    # http.server would not produce
    def raw(self, what):
        self.close_connection = True
        if what == "trickle":   # the whole answer a byte at a time
            for i in range(len(TRICKLE)):
                self.wfile.write(TRICKLE[i:i + 1])
                self.wfile.flush()
                time.sleep(0.005)
        elif what == "stream":  # a body without end
            try:
                self.wfile.write(b"HTTP/1.0 200 OK\r\n\r\n")
                while True:
                    self.wfile.write(b"x" * 1024)
                    self.wfile.flush()
                    time.sleep(0.01)
            except OSError:   # the check gave up and closed
                pass
        else:
            self.wfile.write(what)

    def log_message(self, *args):
        pass

BIG = b"0123456789abcdef" * (128 * 1024)     # 2 MiB, written at once
CHUNKED = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
           + b"".join(b"%%x;ext=1\r\n%%s\r\n" %% (len(BODY[i:i + 7]), BODY[i:i + 7])
                      for i in range(0, len(BODY), 7))
           + b"0\r\nX-Trailer: 1\r\n\r\n")
TRICKLE = b"HTTP/1.1 200 OK\r\nContent-Length: %%d\r\n\r\n%%s" %% (len(BODY), BODY)
RAW = {
    "/chunked": CHUNKED,
    "/close": b"HTTP/1.0 200 OK\nServer: bare-lf\n\n" + BODY,
    "/continue": b"HTTP/1.1 100 Continue\r\n\r\n" + TRICKLE,
    "/trickle": "trickle",
    "/stream": "stream",
    "/garbage": b"SSH-2.0-OpenSSH_9.2p1\r\n",
    "/short": b"HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nstatus: up\n",
    "/big": b"HTTP/1.0 200 OK\r\nContent-Length: %%d\r\n\r\n%%s" %% (len(BIG), BIG),
}

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

class Server6(Server):
    address_family = socket.AF_INET6

plain = Server(("10.0.0.2", %d), Handler)
plain6 = Server6(("fd00::2", %d), Handler)
threading.Thread(target=plain6.serve_forever, daemon=True).start()
tls = Server(("10.0.0.2", %d), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
def on_sni(sock, name, context):
    if name is not None:
        log.write("sni %%s\n" %% name)
ctx.sni_callback = on_sni
tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
threading.Thread(target=tls.serve_forever, daemon=True).start()
# the same, but a client certificate signed by client_ca is required
mtls = Server(("10.0.0.2", %d), Handler)
mctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
mctx.load_cert_chain(cert, key)
mctx.verify_mode = ssl.CERT_REQUIRED
# TLS 1.2: the refusal comes inside the handshake.  With 1.3 it comes after
# the client's request is on its way, and the close that follows races it
# with a reset (the probe then reports what arrived first).
mctx.maximum_version = ssl.TLSVersion.TLSv1_2
mctx.load_verify_locations(client_ca)
mtls.socket = mctx.wrap_socket(mtls.socket, server_side=True)
threading.Thread(target=mtls.serve_forever, daemon=True).start()
print("ready", flush=True)
plain.serve_forever()
""" % (BODY, HTTP_PORT, HTTP_PORT, HTTPS_PORT, MTLS_PORT)


def make_cert(directory, name, cn):
    """A self-signed certificate (its own CA) for `cn`: (cert, key) paths."""
    cert, key = os.path.join(directory, name + ".crt"), os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                    "-subj", "/CN=" + cn, "-addext", "subjectAltName=DNS:" + cn,
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("certs"))
    made = {"server": make_cert(d, "server", VHOST), "other": make_cert(d, "other", "other.test")}
    locked = os.path.join(d, "other-locked.key")
    subprocess.run(["openssl", "pkey", "-in", made["other"][1], "-aes128", "-passout",
                    "pass:s3cret", "-out", locked], check=True, capture_output=True)
    made["other_locked_key"] = locked
    return made


@pytest.fixture
def tool(build):
    path = os.path.join(build.path, "tests", "tools", "check_probe_tool")
    if not os.access(path, os.X_OK):
        pytest.fail("not built: %s" % path)
    return path


class Backend:
    def __init__(self, host, certs, tmp_path):
        self.log_path = str(tmp_path / "server.log")
        open(self.log_path, "w").close()
        cert, key = certs["server"]
        self.proc = host.popen(PYTHON, "-c", SERVER, self.log_path, cert, key, certs["other"][0],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready = self.proc.stdout.readline().strip()
        assert ready == "ready", "server did not start: %s" % self.proc.stderr.read()

    def take_log(self):
        """The lines logged since the last call."""
        with open(self.log_path) as f:
            lines = f.read().splitlines()
        open(self.log_path, "w").close()
        return lines

    def requests(self):
        return [line.split() for line in self.take_log() if line.startswith("req ")]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)


@pytest.fixture
def net(make_lan, certs, tmp_path):
    lan = make_lan(2)
    client, server = lan[0], lan[1]
    backend = Backend(server, certs, tmp_path)
    client.exec("ping", "-c1", "-W1", server.addr4, check=False)
    yield client, backend
    backend.stop()


def probe(tool, client, tmp_path, checker, rs="10.0.0.2 %d" % HTTP_PORT, top="", count=1,
          vs="10.0.0.100 80"):
    """Runs `checker` (the inside of a real_server) once; the JSON result."""
    conf = tmp_path / "probe.conf"
    conf.write_text("%s\nvirtual_server %s {\n  real_server %s {\n%s\n  }\n}\n"
                    % (top, vs, rs, checker))
    argv = [tool] + (["-n", str(count)] if count > 1 else []) + [str(conf)]
    res = client.exec(*argv, check=False, timeout=20)
    assert res.returncode in (0, 1), "tool failed (%d): %s" % (res.returncode, res.stderr)
    results = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(results) == count, res.stdout + res.stderr
    assert res.returncode == (0 if results[-1]["outcome"] == "ok" else 1)
    return results[0] if count == 1 else results


def http_get(*urls, kind="HTTP_GET", extra="", timeout=2):
    """A checker block with url blocks made of the given lines."""
    blocks = "".join("      url {\n%s\n      }\n" % "\n".join("        " + x for x in u)
                     for u in urls)
    return "    %s {\n      connect_timeout %s\n%s%s    }" % (kind, timeout, extra, blocks)


def genhash(build, client, *args):
    return client.exec(os.path.join(build.path, "vigilctl"), "genhash", *args,
                       check=False, timeout=20)


# ---- HTTP_GET ----

def test_status(tool, net, tmp_path):
    client, backend = net
    r = probe(tool, client, tmp_path, http_get(["path /ok"]), count=2)
    assert [x["outcome"] for x in r] == ["ok", "ok"]
    assert "/ok" in r[0]["text"] and "HTTP 200" in r[0]["text"]
    # a fresh connection per attempt, HTTP/1.0 unless told otherwise
    reqs = backend.requests()
    assert [q[2:4] for q in reqs] == [["/ok", "HTTP/1.0"]] * 2
    r = probe(tool, client, tmp_path, http_get(["path /down"]))
    assert (r["outcome"], r["detail"]) == ("bad-status", 503)
    assert "/down" in r["text"] and "503" in r["text"]
    # status_code ranges: what is accepted is what the url says
    r = probe(tool, client, tmp_path, http_get(["path /down", "status_code 200 500-599"]))
    assert r["outcome"] == "ok"
    r = probe(tool, client, tmp_path, http_get(["path /ok", "status_code 500-599 404"]))
    assert (r["outcome"], r["detail"]) == ("bad-status", 200)
    # redirects are not followed: a 301 is a status like any other
    backend.take_log()
    r = probe(tool, client, tmp_path, http_get(["path /moved"]))
    assert (r["outcome"], r["detail"]) == ("bad-status", 301)
    assert [q[2] for q in backend.requests()] == ["/moved"]
    r = probe(tool, client, tmp_path, http_get(["path /moved", "status_code 301"]))
    assert r["outcome"] == "ok"


def test_digest_and_genhash(build, tool, net, tmp_path):
    client, backend = net
    want = hashlib.md5(BODY).hexdigest()
    res = genhash(build, client, "-s", "10.0.0.2", "-p", str(HTTP_PORT), "-u", "/ok")
    assert (res.returncode, res.stdout) == (0, want + "\n"), res.stderr
    res = genhash(build, client, "--server", "10.0.0.2", "--port", str(HTTP_PORT),
                  "--url", "/down", "-v")
    assert res.returncode == 0
    assert res.stdout.splitlines() == [hashlib.md5(b"maintenance\n").hexdigest(), "503"]
    res = genhash(build, client, "-s", "10.0.0.2", "-p", str(HTTP_PORT), "-u", "/host",
                  "-V", VHOST)
    assert res.stdout.strip() == hashlib.md5(("host=%s\n" % VHOST).encode()).hexdigest()
    # the digest genhash printed is the one the check accepts
    r = probe(tool, client, tmp_path, http_get(["path /ok", "digest " + want.upper()]))
    assert r["outcome"] == "ok"
    wrong = hashlib.md5(b"something else").hexdigest()
    r = probe(tool, client, tmp_path, http_get(["path /ok", "digest " + wrong]))
    assert r["outcome"] == "digest-mismatch"
    assert want in r["text"] and wrong in r["text"]


def test_genhash_errors(build, net):
    client, _ = net
    res = genhash(build, client, "-s", "10.0.0.2", "-p", "8081", "-u", "/ok")
    assert res.returncode == 1 and res.stdout == ""
    assert "8081" in res.stderr
    res = genhash(build, client, "-s", "10.0.0.2", "-u", "/ok")
    assert res.returncode == 2 and "required" in res.stderr
    res = genhash(build, client, "-s", "10.0.0.2", "-p", "99999", "-u", "/ok")
    assert res.returncode == 2 and "--port" in res.stderr


def test_regex(tool, net, tmp_path):
    client, _ = net
    r = probe(tool, client, tmp_path, http_get(["path /ok", 'regex "status: (up|ok)"']))
    assert r["outcome"] == "ok"
    r = probe(tool, client, tmp_path, http_get(["path /ok", 'regex "status: down"']))
    assert r["outcome"] == "regex-mismatch"
    r = probe(tool, client, tmp_path, http_get(["path /ok", 'regex "STATUS: UP"',
                                                "regex_options caseless"]))
    assert r["outcome"] == "ok"
    r = probe(tool, client, tmp_path, http_get(["path /ok", "regex maintenance",
                                                "regex_no_match"]))
    assert r["outcome"] == "ok"
    r = probe(tool, client, tmp_path, http_get(["path /down", "status_code 503",
                                                "regex maintenance", "regex_no_match"]))
    assert r["outcome"] == "regex-mismatch"


def test_virtualhost_and_protocol(tool, net, tmp_path):
    client, backend = net
    # the real server's virtualhost is the Host header; a url's overrides it
    checker = http_get(["path /host", "regex ^host=www.example.test$",
                        "regex_options multiline"],
                       ["path /host", "virtualhost other.test", "regex ^host=other.test$",
                        "regex_options multiline"], extra="      http_protocol 1.1\n")
    r = probe(tool, client, tmp_path, "    virtualhost %s\n%s" % (VHOST, checker))
    assert r["outcome"] == "ok", r
    reqs = backend.requests()
    assert [(q[3], q[4], q[5]) for q in reqs] == [
        ("HTTP/1.1", "host=" + VHOST, "conn=close"),
        ("HTTP/1.1", "host=other.test", "conn=close")]
    # no virtualhost: the target as Host (address:port); 1.0C adds close
    r = probe(tool, client, tmp_path, http_get(["path /host"],
                                               extra="      http_protocol 1.0C\n"))
    assert r["outcome"] == "ok"
    assert [(q[3], q[4], q[5]) for q in backend.requests()] == [
        ("HTTP/1.0", "host=10.0.0.2:%d" % HTTP_PORT, "conn=close")]


def test_refused_unreachable_timeout(tool, net, tmp_path):
    client, _ = net
    r = probe(tool, client, tmp_path, http_get(["path /ok"]), rs="10.0.0.2 8081")
    assert (r["outcome"], r["detail"]) == ("connect-refused", 111)
    client.exec("ip", "route", "add", "unreachable", "10.9.9.9")
    r = probe(tool, client, tmp_path, http_get(["path /ok"]), rs="10.9.9.9 80")
    assert r["outcome"] == "unreachable"
    # connect_timeout bounds the whole attempt, waiting for an answer too
    t0 = time.monotonic()
    r = probe(tool, client, tmp_path, http_get(["path /slow"], timeout=0.5))
    assert r["outcome"] == "timeout"
    assert 400000 <= r["latency_us"] < 1500000
    assert time.monotonic() - t0 < 3
    # ... and across urls: two slow halves do not get a budget each
    r = probe(tool, client, tmp_path, http_get(["path /ok"], ["path /slow"], timeout=0.5))
    assert r["outcome"] == "timeout" and "/slow" in r["text"]
    assert r["latency_us"] < 1500000


def test_framings(tool, net, tmp_path):
    """Every way an HTTP/1.x answer may be framed is read whole: the
    digest is of the body alone, de-chunked."""
    client, _ = net
    want = hashlib.md5(BODY).hexdigest()
    for path in ("/chunked", "/close", "/continue", "/trickle"):
        r = probe(tool, client, tmp_path, http_get(["path " + path, "digest " + want]))
        assert r["outcome"] == "ok", (path, r)
    # 2 MiB sent at once: more reads than one edge-triggered event takes
    # (check_http_on_sock), read whole all the same
    big = hashlib.md5(b"0123456789abcdef" * (128 * 1024)).hexdigest()
    r = probe(tool, client, tmp_path, http_get(["path /big", "digest " + big]))
    assert r["outcome"] == "ok", r
    r = probe(tool, client, tmp_path, http_get(["path /chunked", "regex ^status:.up$",
                                                "regex_options multiline"]))
    assert r["outcome"] == "ok", r


def test_broken_answers(tool, net, tmp_path):
    """Not HTTP, or cut short: a protocol failure that says so; a body
    without end: a timeout, and the checker is not held by it."""
    client, _ = net
    r = probe(tool, client, tmp_path, http_get(["path /garbage"]))
    assert (r["outcome"], r["detail"]) == ("protocol", 0), r
    assert "/garbage" in r["text"] and "status line" in r["text"], r
    r = probe(tool, client, tmp_path, http_get(["path /short"]))
    assert r["outcome"] == "protocol" and "closed" in r["text"], r
    t0 = time.monotonic()
    r = probe(tool, client, tmp_path, http_get(["path /stream"], timeout=0.5))
    assert r["outcome"] == "timeout" and "complete answer" in r["text"], r
    assert 400000 <= r["latency_us"] < 1500000
    assert time.monotonic() - t0 < 3


def test_two_urls(tool, net, tmp_path):
    client, backend = net
    r = probe(tool, client, tmp_path, http_get(["path /ok"], ["path /host"]))
    assert r["outcome"] == "ok" and "2 urls" in r["text"]
    r = probe(tool, client, tmp_path, http_get(["path /ok"], ["path /down"]))
    assert (r["outcome"], r["detail"]) == ("bad-status", 503)
    assert "/down" in r["text"]
    backend.take_log()
    # the first failure ends the attempt
    r = probe(tool, client, tmp_path, http_get(["path /down"], ["path /ok"]))
    assert r["outcome"] == "bad-status" and "/down" in r["text"]
    assert [q[2] for q in backend.requests()] == ["/down"]


def test_source_fwmark_ipv6(tool, net, tmp_path):
    client, backend = net
    client.exec("ip", "addr", "add", "10.0.0.11/24", "dev", "eth0")
    r = probe(tool, client, tmp_path, http_get(["path /ok"], extra="      bindto 10.0.0.11\n"))
    assert r["outcome"] == "ok"
    assert [q[1] for q in backend.requests()] == ["10.0.0.11"]
    # packets marked 7 are routed into a blackhole: the mark is on the socket
    client.exec("ip", "rule", "add", "fwmark", "7", "table", "7")
    client.exec("ip", "route", "add", "unreachable", "10.0.0.2", "table", "7")
    r = probe(tool, client, tmp_path, http_get(["path /ok"], extra="      fwmark 7\n"))
    assert r["outcome"] == "unreachable", r
    r = probe(tool, client, tmp_path, http_get(["path /ok"], extra="      fwmark 8\n"))
    assert r["outcome"] == "ok", r
    # IPv6 real server, with the address as the Host
    backend.take_log()
    r = probe(tool, client, tmp_path, http_get(["path /host", "regex fd00::2"]),
              rs="fd00::2 %d" % HTTP_PORT, vs="fd00::100 80")
    assert r["outcome"] == "ok", r
    assert [(q[1], q[4]) for q in backend.requests()] == [
        ("fd00::1", "host=[fd00::2]:%d" % HTTP_PORT)]


# ---- SSL_GET ----

def ssl_block(ca=None, **files):
    lines = ["  ca %s" % ca] if ca else []
    lines += ["  %s %s" % kv for kv in sorted(files.items())]
    return "SSL {\n%s\n}\n" % "\n".join(lines) if lines else ""


def test_ssl_client_certificate(tool, net, certs, tmp_path):
    client, _ = net
    rs = "10.0.0.2 %d" % MTLS_PORT
    checker = http_get(["path /ok"], kind="SSL_GET")
    r = probe(tool, client, tmp_path, checker, rs=rs)
    assert r["outcome"] == "tls", r
    cert, key = certs["other"]
    r = probe(tool, client, tmp_path, checker, rs=rs,
              top=ssl_block(certificate=cert, key=key))
    assert r["outcome"] == "ok", r
    # an encrypted key opens with the SSL block's password
    r = probe(tool, client, tmp_path, checker, rs=rs,
              top=ssl_block(certificate=cert, key=certs["other_locked_key"],
                            password="s3cret"))
    assert r["outcome"] == "ok", r


def test_ssl(tool, net, certs, tmp_path):
    client, backend = net
    rs = "10.0.0.2 %d" % HTTPS_PORT
    good_ca, other_ca = certs["server"][0], certs["other"][0]
    # no ca: any certificate will do, the check is about the service
    r = probe(tool, client, tmp_path, http_get(["path /ok", "digest "
                                                + hashlib.md5(BODY).hexdigest()],
                                               kind="SSL_GET"), rs=rs)
    assert r["outcome"] == "ok", r
    # a ca that did not sign the server's certificate
    r = probe(tool, client, tmp_path, http_get(["path /ok"], kind="SSL_GET"), rs=rs,
              top=ssl_block(other_ca))
    assert r["outcome"] == "tls", r
    # the right ca; no SNI, so no name to check and none sent
    backend.take_log()
    r = probe(tool, client, tmp_path, "    virtualhost wrong.test\n"
              + http_get(["path /ok"], kind="SSL_GET"), rs=rs, top=ssl_block(good_ca))
    assert r["outcome"] == "ok", r
    assert not [x for x in backend.take_log() if x.startswith("sni ")]
    # SSL_GET to a plain HTTP port is a TLS failure
    r = probe(tool, client, tmp_path, http_get(["path /ok"], kind="SSL_GET"))
    assert r["outcome"] == "tls"


def test_ssl_sni(build, tool, net, certs, tmp_path):
    client, backend = net
    rs = "10.0.0.2 %d" % HTTPS_PORT
    good_ca = certs["server"][0]
    sni = "      enable_sni\n"
    backend.take_log()
    r = probe(tool, client, tmp_path, "    virtualhost %s\n" % VHOST
              + http_get(["path /host", "regex host=" + VHOST], kind="SSL_GET", extra=sni),
              rs=rs, top=ssl_block(good_ca))
    assert r["outcome"] == "ok", r
    lines = backend.take_log()
    assert "sni " + VHOST in lines
    assert [x.split()[4] for x in lines if x.startswith("req ")] == ["host=" + VHOST]
    # with SNI and a ca the certificate must carry the name
    r = probe(tool, client, tmp_path, "    virtualhost wrong.test\n"
              + http_get(["path /ok"], kind="SSL_GET", extra=sni), rs=rs,
              top=ssl_block(good_ca))
    assert r["outcome"] == "tls", r
    # genhash over TLS, with SNI
    res = genhash(build, client, "-S", "-s", "10.0.0.2", "-p", str(HTTPS_PORT), "-u", "/ok",
                  "-V", VHOST, "--sni", "-v")
    assert res.stdout.splitlines() == [hashlib.md5(BODY).hexdigest(), "200"], res.stderr
    assert "sni " + VHOST in backend.take_log()
