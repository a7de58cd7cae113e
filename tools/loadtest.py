"""`python -m tools.loadtest` (`make loadtest`): a benchmark, not a test. Starts gunicorn on
loopback against a throw-away PostgreSQL database and a Redis namespace of its own, then for a
bounded time per phase drives it from many concurrent clients: a bare Django JSON view (the
baseline, routed only in this module's own urlconf), `POST /Remix` with 1 MB files, `GET byId`
and the job page's htmx polling partial. Two reference views measure what any Django view pays
before its own work: a signed-in one (session and user) and one that only reads the 1 MB upload.
Prints requests per second, p50/p99 latency, the ratio to the bare view (the targets), the ratios
to the references and the SQL queries per polling request.

Environment: LOADTEST_DATABASE_URL (a PostgreSQL server URL; default postgres://postgres@127.0.0.1:5432/postgres),
LOADTEST_REDIS_URL (default redis://127.0.0.1:6379/14), LOADTEST_SECONDS per phase (10),
LOADTEST_CLIENTS (16), LOADTEST_WORKERS gunicorn workers (4)."""
from __future__ import annotations

import http.client
import io
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

ROOT = Path(__file__).resolve().parent.parent
BARE_PATH = "/__loadtest__/bare"
SIGNED_IN_PATH = "/__loadtest__/signed-in"
UPLOAD_SINK_PATH = "/__loadtest__/upload-sink"


def bare(request: HttpRequest) -> JsonResponse:
    """The baseline the targets are set against: Django's whole middleware stack and a JSON answer."""
    return JsonResponse({"success": True, "message": "bare"})


def signed_in(request: HttpRequest) -> JsonResponse:
    """A reference, not a target: the bare view plus what any signed-in page pays before its own
    work, the session and the user (as the status partial reads them)."""
    return JsonResponse({"success": True, "user": request.user.pk})


@csrf_exempt
def upload_sink(request: HttpRequest) -> JsonResponse:
    """A reference, not a target: the bare view plus reading a multipart body and its file, as any
    Django view receiving the upload pays before its own work."""
    return JsonResponse({"success": True, "bytes": sum(f.size for f in request.FILES.values())})


def __getattr__(name: str):
    # This module is the urlconf of the server under test: the real routes plus the reference views.
    # Built on first use, since `python -m` imports this module before Django is set up.
    if name == "urlpatterns":
        patterns = [
            path(BARE_PATH.lstrip("/"), bare),
            path(SIGNED_IN_PATH.lstrip("/"), signed_in),
            path(UPLOAD_SINK_PATH.lstrip("/"), upload_sink),
            path("", include("remixsite.urls")),
        ]
        globals()["urlpatterns"] = patterns
        return patterns
    raise AttributeError(name)

_application = None


def application(environ, start_response):
    """gunicorn's entry point: the project's WSGI app with this module as its urlconf."""
    global _application
    if _application is None:
        import django
        from django.conf import settings

        django.setup()
        settings.ROOT_URLCONF = __name__
        # The benchmark measures throughput, not the per-key rate limits.
        settings.API_RATE_SUBMIT_PER_MINUTE = settings.API_RATE_STATUS_PER_MINUTE = 10**9
        from django.core.wsgi import get_wsgi_application

        _application = get_wsgi_application()
    return _application(environ, start_response)


# --- the load generator -----------------------------------------------------------------------


class Phase:
    def __init__(self, name: str, make_request):
        self.name = name
        self.make_request = make_request  # (client index, iteration) -> (method, path, body, headers)
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.errors = 0
        self.seconds = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run_phase(phase: Phase, port: int, clients: int, seconds: float) -> Phase:
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        iteration = 0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            method, target, body, headers = phase.make_request(index, iteration)
            iteration += 1
            started = time.monotonic()
            try:
                conn.request(method, target, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock:
                    phase.errors += 1
                continue
            elapsed = time.monotonic() - started
            with lock:
                phase.latencies.append(elapsed)
                phase.statuses[status] = phase.statuses.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.monotonic() - started
    return phase


def multipart(fields: dict[str, str], file_field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    out.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        f"Content-Type: audio/wav\r\n\r\n".encode()
    )
    out.write(content + f"\r\n--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def one_megabyte_wav() -> bytes:
    import numpy as np
    import soundfile as sf

    rate = 22050
    frames = (1024 * 1024 - 44) // 2  # mono 16-bit: 1 MB in all
    t = np.arange(frames) / rate
    buffer = io.BytesIO()
    sf.write(buffer, (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


# --- set-up -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create_database(server_url: str) -> str:
    import psycopg

    name = f"remix_loadtest_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


def drop_database(server_url: str, database_url: str) -> None:
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not start on port {port}")


def seed_accounts(clients: int) -> tuple[list[str], list[str], str, str]:
    """Users with plenty of credits, one API key each, a queued task each and a session cookie."""
    from decimal import Decimal

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from remixes import apikeys, services
    from remixes.models import User

    keys, task_ids = [], []
    for n in range(clients):
        user = User.objects.create_user(username=f"load{n}", password=uuid.uuid4().hex)
        services.grant_credits(user, Decimal("1000000"), "load test")
        keys.append(apikeys.create_api_key(user)[1])
    owner = User.objects.get(username="load0")
    for _ in range(clients):
        task = services.submit_remix(
            owner, services.RemixOptions(prompt="lo-fi"), audio_file=io.BytesIO(one_megabyte_wav()),
            audio_name="seed.wav", audio_facts=services.AudioFacts(duration=23.8, sample_rate=22050, channels=1),
        )
        task_ids.append(str(task.pk))
    session = SessionStore()
    session[SESSION_KEY] = str(owner.pk)
    session[BACKEND_SESSION_KEY] = "remixes.auth.CachedModelBackend"
    session[HASH_SESSION_KEY] = owner.get_session_auth_hash()
    session.create()
    return keys, task_ids, f"{settings.SESSION_COOKIE_NAME}={session.session_key}", owner.username


def count_queries(task_id: str, key: str, username: str) -> dict[str, int]:
    """SQL queries of one polling request each, measured in this process against the same database."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from remixes.models import User

    setup_test_environment()
    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(User.objects.get(username=username))
    counts = {}
    for name, url, headers in (
        ("job partial", f"/remixes/{task_id}/", {"HTTP_HX_REQUEST": "true"}),
        ("byId", f"/api/public/v1/byId?conversionType=REMIX&task_id={task_id}", {"HTTP_AUTHORIZATION": key}),
    ):
        client.get(url, **headers)  # warm caches (content types, last_used_at)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **headers)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
    return counts


def main() -> int:
    seconds = float(os.environ.get("LOADTEST_SECONDS", "10"))
    clients = int(os.environ.get("LOADTEST_CLIENTS", "16"))
    workers = int(os.environ.get("LOADTEST_WORKERS", "4"))
    server_url = os.environ.get("LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/14")
    namespace = f"remix-loadtest-{uuid.uuid4().hex[:8]}"

    database_url = create_database(server_url)
    media = tempfile.mkdtemp(prefix="remix-loadtest-media-")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
        "DATABASE_URL": database_url, "REDIS_URL": redis_url, "DRAMATIQ_NAMESPACE": namespace,
        # As in production: sessions and rate limits in the shared Redis cache.
        "CACHE_URL": os.environ.get("LOADTEST_CACHE_URL", "redis://127.0.0.1:6379/13"),
        "MEDIA_ROOT": media, "DJANGO_SETTINGS_MODULE": "remixsite.settings", "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING", "DEBUG": "0", "REMIX_PROVIDER": "local",
    }
    os.environ.update(env)
    server = None
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        import django

        django.setup()
        keys, task_ids, cookie, username = seed_accounts(clients)
        queries = count_queries(task_ids[0], keys[0], username)

        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "tools.loadtest:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--worker-class", "gthread", "--threads", "4", "--keep-alive", "5",
             "--log-level", "warning", "--timeout", "120"],
            cwd=ROOT, env=env,
        )
        wait_for_port(port)
        audio = one_megabyte_wav()
        body, content_type = multipart({"prompt": "make it lo-fi with chill beats"}, "audio_file", "song.wav", audio)

        def get(path, **headers):
            return lambda i, n: ("GET", path(i, n) if callable(path) else path, None, {"Host": "127.0.0.1", **headers})

        upload = {"Host": "127.0.0.1", "Content-Type": content_type}
        phases = [
            Phase("bare JSON view", get(BARE_PATH)),
            Phase("POST /Remix (1 MB)", lambda i, n: (
                "POST", "/api/public/v1/Remix", body, {**upload, "Authorization": keys[i % len(keys)]},
            )),
            Phase("GET byId", lambda i, n: (
                "GET", f"/api/public/v1/byId?conversionType=REMIX&task_id={task_ids[(i + n) % len(task_ids)]}", None,
                {"Host": "127.0.0.1", "Authorization": keys[0]},
            )),
            Phase("job partial (htmx)", lambda i, n: (
                "GET", f"/remixes/{task_ids[(i + n) % len(task_ids)]}/", None,
                {"Host": "127.0.0.1", "Cookie": cookie, "HX-Request": "true"},
            )),
            # References: what any view pays before its own work.
            Phase("ref: signed-in view", get(SIGNED_IN_PATH, Cookie=cookie)),
            Phase("ref: 1 MB upload read", lambda i, n: ("POST", UPLOAD_SINK_PATH, body, upload)),
        ]
        for phase in phases:  # warm every worker's imports and connections first
            run_phase(Phase(phase.name, phase.make_request), port, clients, min(1.5, seconds))
        for phase in phases:
            run_phase(phase, port, clients, seconds)
        report(phases, queries, clients, workers, seconds)
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        from django.db import connections

        connections.close_all()
        drop_database(server_url, database_url)
        _flush_namespace(redis_url, namespace)
        subprocess.run(["rm", "-rf", media], check=False)
    return 0


def _flush_namespace(redis_url: str, namespace: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{namespace}*"):
        client.delete(key)


def report(phases: list[Phase], queries: dict[str, int], clients: int, workers: int, seconds: float) -> None:
    by_name = {phase.name: phase for phase in phases}
    bare_rps = by_name["bare JSON view"].rps
    print(f"\nRemix load test: gunicorn gthread {workers} workers x 4 threads, {clients} clients, {seconds:g} s per phase,"
          " PostgreSQL + Redis on loopback\n")
    print(f"{'phase':24} {'requests':>9} {'rps':>9} {'p50 ms':>9} {'p99 ms':>9} {'vs bare':>8}  statuses")
    for phase in phases:
        statuses = ", ".join(f"{code}: {count}" for code, count in sorted(phase.statuses.items()))
        if phase.errors:
            statuses += f", connection errors: {phase.errors}"
        print(f"{phase.name:24} {len(phase.latencies):>9} {phase.rps:>9.1f} {phase.percentile(0.5):>9.1f} "
              f"{phase.percentile(0.99):>9.1f} {_ratio(phase.rps, bare_rps):>8}  {statuses}")
    print(f"\nSQL queries per request: job partial {queries['job partial']}, byId {queries['byId']}")
    submit, partial = by_name["POST /Remix (1 MB)"], by_name["job partial (htmx)"]
    print("targets: submit >= 50% of bare: " + ("met" if submit.rps >= 0.5 * bare_rps else "NOT met")
          + f" ({_ratio(submit.rps, bare_rps)}); job partial >= 80% of bare: "
          + ("met" if partial.rps >= 0.8 * bare_rps else "NOT met")
          + f" ({_ratio(partial.rps, bare_rps)}); job partial <= 3 queries: "
          + ("met" if queries["job partial"] <= 3 else "NOT met"))
    print(f"against the references: submit {_ratio(submit.rps, by_name['ref: 1 MB upload read'].rps)} of reading"
          f" the same upload; job partial {_ratio(partial.rps, by_name['ref: signed-in view'].rps)} of a signed-in view")
    print("Times include the load generator, which shares this machine's cores with the server.")


def _ratio(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole else "n/a"


if __name__ == "__main__":
    sys.exit(main())
