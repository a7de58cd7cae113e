"""safehttp refuses every non-public target (before connecting, after DNS, after redirects), caps
bytes and time, and still works against local servers when SAFEHTTP_ALLOW_PRIVATE is on."""
from __future__ import annotations

import http.server
import ipaddress
import socket
import threading
import time

import pytest
from django.core import checks

from remixes import safehttp

BLOCKED_URLS = [
    "http://127.0.0.1/",
    "http://127.1.2.3:8080/song.mp3",
    "http://10.0.0.5/song.mp3",
    "http://172.16.0.1/song.mp3",
    "http://172.31.255.254/song.mp3",
    "http://192.168.1.1/song.mp3",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://[::1]/song.mp3",
    "http://[fd00::1]/song.mp3",
    "http://[fe80::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[ff02::1]/",
    "http://[::]/",
]


@pytest.mark.parametrize("url", BLOCKED_URLS)
def test_it_refuses_non_public_addresses(url):
    with pytest.raises(safehttp.UnsafeURL):
        safehttp.check_url(url)
    with pytest.raises(safehttp.UnsafeURL):
        safehttp.fetch_bytes(url, max_bytes=1000)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://example.com/_x", "ftp://example.com/a.mp3",
                                 "javascript:alert(1)", "//example.com/a.mp3", "http:///nohost"])
def test_it_refuses_schemes_other_than_http(url):
    with pytest.raises(safehttp.UnsafeURL):
        safehttp.check_url(url)
    with pytest.raises(safehttp.UnsafeURL):
        safehttp.download(url, __import__("pathlib").Path("/tmp/never-written"), max_bytes=10)


def test_it_refuses_credentials_in_urls():
    with pytest.raises(safehttp.UnsafeURL):
        safehttp.check_url("http://user:pw@93.184.216.34/")


def fake_dns(mapping):
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in mapping:
            family = socket.AF_INET6 if ":" in mapping[host] else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (mapping[host], port or 80))]
        return real(host, port, *args, **kwargs)

    return getaddrinfo


def test_it_refuses_a_hostname_resolving_to_loopback(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", fake_dns({"innocent.example": "127.0.0.1"}))
    with pytest.raises(safehttp.UnsafeURL, match="not public"):
        safehttp.check_url("http://innocent.example/song.mp3")
    with pytest.raises(safehttp.UnsafeURL):
        safehttp.fetch_bytes("http://innocent.example/song.mp3", max_bytes=100)


def test_it_refuses_a_host_whose_answers_mix_public_and_private(monkeypatch):
    def getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(safehttp.UnsafeURL):
        safehttp.check_url("http://mixed.example/")


def test_it_connects_to_the_address_it_checked_not_a_second_lookup(monkeypatch, settings, local_server):
    # DNS rebinding: the first answer is checked, the connection must use that same answer.
    settings.SAFEHTTP_ALLOW_PRIVATE = True
    answers = iter(["127.0.0.1", "10.255.255.1"])
    real = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    body = safehttp.fetch_bytes(f"http://rebind.example:{local_server.port}/ok", max_bytes=1000)
    assert body == b"hello world"
    assert local_server.hosts[-1] == f"rebind.example:{local_server.port}"


def test_it_reports_unresolvable_hosts_as_fetch_errors():
    with pytest.raises(safehttp.FetchError, match="could not be resolved"):
        safehttp.check_url("http://no-such-host.invalid/")


def test_it_accepts_public_addresses():
    assert safehttp.check_url("http://93.184.216.34/song.mp3") == ipaddress.ip_address("93.184.216.34")
    assert safehttp.check_url("https://[2606:2800:220:1::1]/") == ipaddress.ip_address("2606:2800:220:1::1")


# --- against a local server ---------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "test"

    def do_GET(self):
        server = self.server
        server.hosts.append(self.headers.get("Host"))
        if self.path == "/ok":
            self._send(200, b"hello world")
        elif self.path == "/big":
            self._send(200, b"x" * 5000)
        elif self.path == "/big-undeclared":
            self.send_response(200)
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"x" * 1000)
        elif self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(3)
        elif self.path.startswith("/redirect-to?"):
            self.send_response(302)
            self.send_header("Location", self.path.split("?", 1)[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path.startswith("/loop"):
            n = int(self.path[5:] or 0)
            self.send_response(302)
            self.send_header("Location", f"/loop{n + 1}")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/missing":
            self._send(404, b"no")
        else:
            self._send(200, b"?")

    def do_POST(self):
        self.server.hosts.append(self.headers.get("Host"))
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/redirect":
            self.send_response(307)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._send(202, b"accepted")

    def _send(self, code, body):
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def local_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.hosts = []
    server.port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture
def allow_loopback_only(monkeypatch, settings):
    """Treat 127.0.0.1 (our test server) as public while every other non-public address stays refused."""
    settings.SAFEHTTP_ALLOW_PRIVATE = False
    real = safehttp.blocked_reason
    monkeypatch.setattr(
        safehttp, "blocked_reason", lambda ip: None if str(ip) == "127.0.0.1" else real(ip)
    )


def test_it_refuses_the_local_server_by_default(local_server):
    with pytest.raises(safehttp.UnsafeURL):
        safehttp.fetch_bytes(f"http://127.0.0.1:{local_server.port}/ok", max_bytes=100)


def test_it_fetches_from_the_local_server_when_private_addresses_are_allowed(local_server, settings, tmp_path):
    settings.SAFEHTTP_ALLOW_PRIVATE = True
    assert safehttp.fetch_bytes(f"http://127.0.0.1:{local_server.port}/ok", max_bytes=100) == b"hello world"
    dest = tmp_path / "song.bin"
    assert safehttp.download(f"http://127.0.0.1:{local_server.port}/ok", dest, max_bytes=100) == 11
    assert dest.read_bytes() == b"hello world"


def test_it_refuses_a_redirect_to_a_private_address(local_server, allow_loopback_only, tmp_path):
    base = f"http://127.0.0.1:{local_server.port}"
    assert safehttp.fetch_bytes(f"{base}/redirect-to?{base}/ok", max_bytes=100) == b"hello world"
    for target in ("http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]/",
                   f"http://127.0.0.2:{local_server.port}/ok", "file:///etc/passwd"):
        dest = tmp_path / "out.bin"
        with pytest.raises(safehttp.UnsafeURL):
            safehttp.download(f"{base}/redirect-to?{target}", dest, max_bytes=100)
        assert not dest.exists()


def test_it_follows_at_most_three_redirects(local_server, settings):
    settings.SAFEHTTP_ALLOW_PRIVATE = True
    with pytest.raises(safehttp.FetchError, match="more than 3"):
        safehttp.fetch_bytes(f"http://127.0.0.1:{local_server.port}/loop0", max_bytes=100)


def test_it_enforces_the_byte_cap_declared_or_not(local_server, settings, tmp_path):
    settings.SAFEHTTP_ALLOW_PRIVATE = True
    with pytest.raises(safehttp.TooLarge):
        safehttp.fetch_bytes(f"http://127.0.0.1:{local_server.port}/big", max_bytes=4000)
    dest = tmp_path / "big.bin"
    with pytest.raises(safehttp.TooLarge):
        safehttp.download(f"http://127.0.0.1:{local_server.port}/big-undeclared", dest, max_bytes=20_000)
    assert not dest.exists()


def test_it_times_out_a_stalled_server(local_server, settings):
    settings.SAFEHTTP_ALLOW_PRIVATE = True
    settings.SAFEHTTP_TIMEOUT = 1
    started = time.monotonic()
    with pytest.raises(safehttp.FetchError, match="timeout|stopped"):
        safehttp.fetch_bytes(f"http://127.0.0.1:{local_server.port}/slow", max_bytes=1000)
    assert time.monotonic() - started < 2.5


def test_it_reports_http_errors(local_server, settings):
    settings.SAFEHTTP_ALLOW_PRIVATE = True
    with pytest.raises(safehttp.FetchError, match="404"):
        safehttp.fetch_bytes(f"http://127.0.0.1:{local_server.port}/missing", max_bytes=1000)


def test_it_posts_without_following_redirects(local_server, settings):
    settings.SAFEHTTP_ALLOW_PRIVATE = True
    base = f"http://127.0.0.1:{local_server.port}"
    assert safehttp.post(f"{base}/hook", b"{}", {"Content-Type": "application/json"}, timeout=5) == (202, "accepted")
    status, _ = safehttp.post(f"{base}/redirect", b"{}", {}, timeout=5)
    assert status == 307


def test_it_refuses_to_post_to_private_addresses():
    with pytest.raises(safehttp.UnsafeURL):
        safehttp.post("http://192.168.0.10/hook", b"{}", {}, timeout=5)


def test_it_warns_at_start_up_when_private_addresses_are_allowed(settings):
    settings.SAFEHTTP_ALLOW_PRIVATE = True
    warnings = safehttp.check_private_addresses_allowed(None)
    assert [w.id for w in warnings] == ["remixes.W001"]
    assert isinstance(warnings[0], checks.Warning)
    settings.SAFEHTTP_ALLOW_PRIVATE = False
    assert safehttp.check_private_addresses_allowed(None) == []
