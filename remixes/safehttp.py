"""The only place that fetches from or posts to user-supplied URLs (audio_url, webhook_url, upstream
result files). Every connection goes to an address we resolved and checked ourselves (no private,
loopback, link-local, CG-NAT, multicast or reserved targets, IPv4 or IPv6), redirects are re-checked
hop by hop, and timeouts and a byte cap bound what one URL can cost us."""
from __future__ import annotations

import ipaddress
import logging
import socket
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.core import checks
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import ReadTimeoutError

log = logging.getLogger(__name__)

ALLOWED_SCHEMES = {"http", "https"}
MAX_REDIRECTS = 3
CONNECT_TIMEOUT = 10
CHUNK = 64 * 1024
SNIPPET_CHARS = 500
USER_AGENT = "Remix/1.0 (+safehttp)"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ranges a user-supplied URL must never reach; Python's is_private/is_reserved cover most, these
# make the intent explicit and add what older Pythons miss.
BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this network", includes the unspecified address
        "10.0.0.0/8",
        "100.64.0.0/10",  # CG-NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes broadcast
        "::/128",
        "::1/128",
        "::ffff:0:0/96",  # IPv4-mapped (checked again as IPv4)
        "64:ff9b::/96",  # NAT64
        "64:ff9b:1::/48",
        "100::/64",
        "2001::/23",
        "2001:db8::/32",
        "2002::/16",  # 6to4
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",
        "ff00::/8",  # multicast
    )
)


class SafeHTTPError(Exception):
    """A URL could not be used; `user_message` says why in words fit for the user."""

    def __init__(self, user_message: str):
        super().__init__(user_message)
        self.user_message = user_message


class UnsafeURL(SafeHTTPError):
    """The URL's scheme or (resolved) address is not allowed."""


class FetchError(SafeHTTPError):
    """The URL could not be reached, timed out or answered with an error."""


class TooLarge(SafeHTTPError):
    """The response is larger than the byte cap."""


def allow_private() -> bool:
    return bool(getattr(settings, "SAFEHTTP_ALLOW_PRIVATE", False))


def blocked_reason(ip: IPAddress) -> str | None:
    """Why this address is refused, or None when it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return blocked_reason(ip.ipv4_mapped)
    for net in BLOCKED_NETWORKS:
        if ip.version == net.version and ip in net:
            return f"{ip} is in the non-public range {net}"
    if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return f"{ip} is not a public address"
    return None


def resolve(hostname: str, port: int) -> list[IPAddress]:
    """Every address the hostname resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"the host name {hostname!r} could not be resolved") from exc
    addresses: list[IPAddress] = []
    for family, _type, _proto, _canon, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise FetchError(f"the host name {hostname!r} has no usable address")
    return addresses


def _check_syntax(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeURL("the URL is not valid") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise UnsafeURL(f"only http and https URLs are allowed, not {scheme or 'a URL without a scheme'}")
    if not parts.hostname:
        raise UnsafeURL("the URL has no host name")
    if parts.username or parts.password:
        raise UnsafeURL("the URL must not contain a user name or password")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def pick_address(hostname: str, port: int) -> IPAddress:
    """Resolve and check a host; the returned address is the one to connect to.
    Any non-public answer refuses the host, so a DNS answer mixing public and private fails."""
    addresses = resolve(hostname, port)
    if not allow_private():
        for ip in addresses:
            reason = blocked_reason(ip)
            if reason:
                log.warning("refused %s: %s", hostname, reason)
                raise UnsafeURL(f"the address of {hostname} is not public ({ip})")
    return addresses[0]


def check_url(url: str) -> IPAddress:
    """Raise UnsafeURL for a bad scheme or a non-public address, FetchError when the host does not
    resolve; return the address a request would connect to."""
    _scheme, hostname, port = _check_syntax(url)
    return pick_address(hostname, port)


class _PinnedAddressAdapter(HTTPAdapter):
    """Connects to the address `pick_address` checked, never to a second lookup's answer (DNS
    rebinding); TLS still verifies the certificate against the URL's host name."""

    def __init__(self, is_https: bool):
        super().__init__(max_retries=0)
        self._is_https = is_https

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        request.headers = CaseInsensitiveDict(request.headers or {})
        hostname, port = host_params["host"], host_params["port"]
        host_header = f"[{hostname}]" if ":" in hostname else hostname
        default_port = 443 if self._is_https else 80
        if port is not None and port != default_port:
            host_header += f":{port}"
        request.headers["Host"] = host_header
        if self._is_https:
            pool_kwargs["assert_hostname"] = hostname
            pool_kwargs["server_hostname"] = hostname
        ip = pick_address(hostname, port or default_port)
        host_params["host"] = f"[{ip}]" if ip.version == 6 else str(ip)
        return host_params, pool_kwargs

    def get_connection(self, url, proxies=None):  # the deprecated path would skip the pinning
        raise NotImplementedError("use get_connection_with_tls_context")


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # an HTTP(S)_PROXY from the environment would bypass the address check
    session.headers["User-Agent"] = USER_AGENT
    session.mount("http://", _PinnedAddressAdapter(is_https=False))
    session.mount("https://", _PinnedAddressAdapter(is_https=True))
    return session


def _timeout(read: float | None = None) -> tuple[float, float]:
    read = float(read or settings.SAFEHTTP_TIMEOUT)
    return (min(CONNECT_TIMEOUT, read), read)


def _describe(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.ConnectTimeout):
        return "the server did not accept a connection in time"
    cause = exc.args[0] if exc.args else None
    if isinstance(exc, (requests.ReadTimeout, requests.Timeout)) or isinstance(cause, ReadTimeoutError):
        return "the server stopped sending data (timeout)"
    if isinstance(exc, requests.exceptions.SSLError):
        return "the server's TLS certificate could not be verified"
    if isinstance(exc, requests.ConnectionError):
        return "the server could not be reached"
    return f"the request failed ({exc.__class__.__name__})"


def _get(url: str, *, deadline: float) -> requests.Response:
    """GET with redirects followed by hand (each hop re-checked), streaming the body."""
    session = _session()
    current = url
    for hop in range(MAX_REDIRECTS + 1):
        _check_syntax(current)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError("the download took too long")
        try:
            response = session.get(
                current, stream=True, allow_redirects=False, timeout=_timeout(min(settings.SAFEHTTP_TIMEOUT, remaining))
            )
        except SafeHTTPError:
            raise
        except requests.RequestException as exc:
            raise FetchError(_describe(exc)) from None
        if response.is_redirect:
            location = response.headers.get("Location", "")
            response.close()
            if hop == MAX_REDIRECTS:
                raise FetchError(f"the URL redirected more than {MAX_REDIRECTS} times")
            current = urljoin(current, location)
            continue
        if response.status_code >= 400:
            response.close()
            raise FetchError(f"the server answered HTTP {response.status_code}")
        return response
    raise FetchError(f"the URL redirected more than {MAX_REDIRECTS} times")  # pragma: no cover


def _stream(url: str, max_bytes: int, sink) -> int:
    deadline = time.monotonic() + getattr(settings, "SAFEHTTP_TOTAL_SECONDS", 10 * settings.SAFEHTTP_TIMEOUT)
    limit = f"{max_bytes / (1024 * 1024):.0f} MB" if max_bytes >= 1024 * 1024 else f"{max_bytes} bytes"
    response = _get(url, deadline=deadline)
    with response:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise TooLarge(f"the file is larger than {limit}")
        total = 0
        try:
            for chunk in response.iter_content(CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    raise TooLarge(f"the file is larger than {limit}")
                if time.monotonic() > deadline:
                    raise FetchError("the download took too long")
                sink(chunk)
        except requests.RequestException as exc:
            raise FetchError(_describe(exc)) from None
    return total


def download(url: str, dest: Path, *, max_bytes: int) -> int:
    """Save the body of `url` to `dest`; return its size. A partial file is removed on error."""
    dest = Path(dest)
    try:
        with dest.open("wb") as fh:
            size = _stream(url, max_bytes, fh.write)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    if size == 0:
        dest.unlink(missing_ok=True)
        raise FetchError("the server sent an empty file")
    return size


def fetch_bytes(url: str, *, max_bytes: int) -> bytes:
    """The body of `url`, at most `max_bytes` long."""
    parts: list[bytes] = []
    _stream(url, max_bytes, parts.append)
    return b"".join(parts)


def post(url: str, body: bytes, headers: dict, *, timeout: float) -> tuple[int, str]:
    """POST once, never following a redirect; return the status code and the start of the answer."""
    _check_syntax(url)
    session = _session()
    try:
        response = session.post(
            url, data=body, headers=headers, allow_redirects=False, stream=True, timeout=_timeout(timeout)
        )
    except SafeHTTPError:
        raise
    except requests.RequestException as exc:
        raise FetchError(_describe(exc)) from None
    with response:
        try:
            raw = response.raw.read(SNIPPET_CHARS * 4, decode_content=True) or b""
        except Exception:  # the status is what matters; a broken body is not worth failing for
            raw = b""
    return response.status_code, raw.decode("utf-8", "replace")[:SNIPPET_CHARS]


@checks.register(checks.Tags.security)
def check_private_addresses_allowed(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if allow_private():
        return [
            checks.Warning(
                "SAFEHTTP_ALLOW_PRIVATE is on: audio_url, webhook_url and result fetches may reach "
                "loopback and private networks (SSRF).",
                hint="Use it only for local development and tests; unset it in production.",
                id="remixes.W001",
            )
        ]
    return []
