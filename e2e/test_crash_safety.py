"""Crash safety: a stream of incident writes, the server killed with SIGKILL
mid-stream, restarted on the same data, and every write it had acknowledged
(201) found again. On SQLite (a data directory of its own) and, when
SAMEN_CRASH_DATABASE_URL is set, on PostgreSQL. SAMEN_BIN names the samen
binary (the debug build by default)."""
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

BIN = os.environ.get("SAMEN_BIN", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".build", "debug", "samen"))
pytestmark = pytest.mark.skipif(not os.path.exists(BIN), reason="no samen binary")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tmp_path, database_url=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.data = str(tmp_path / "data")
        self.env = dict(os.environ, LOG_LEVEL="error", SAMEN_JOBS="off")
        if database_url:
            self.env["DATABASE_URL"] = database_url
        else:
            self.env.pop("DATABASE_URL", None)
        self.process = None

    def start(self, demo):
        args = [BIN, "serve", "--data", self.data, "--port", str(self.port)] + (["--demo"] if demo else [])
        self.process = subprocess.Popen(args, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the server did not start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()

    def call(self, path, token=None, body=None, timeout=10):
        request = urllib.request.Request(self.base + path, method="POST" if body is not None else "GET")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, data=data, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")


def stream_and_kill(server, writers=4, acknowledged_before_kill=120):
    """Sends incidents from several threads; kills the server once enough were acknowledged, with writes in flight."""
    _, session = server.call("/api/v1/session", body={"username": "coordinator", "password": "demo"})
    token = session["token"]
    _, schools = server.call("/api/v1/schools", token)
    school = schools["items"][0]["id"]
    _, labels = server.call(f"/api/v1/schools/{school}/labels", token)
    behaviour = next(l["id"] for l in labels["items"] if l["kind"] == "behaviour")
    location = next(l["id"] for l in labels["items"] if l["kind"] == "location")
    _, students = server.call(f"/api/v1/students?school_id={school}&per_page=200", token)
    student_ids = [s["id"] for s in students["items"]]
    today = time.strftime("%Y-%m-%d")
    acknowledged, lock, stop = [], threading.Lock(), threading.Event()

    def write(worker):
        n = 0
        while not stop.is_set():
            n += 1
            body = {"students": [{"student_id": student_ids[(worker * 997 + n) % len(student_ids)]}], "date": today, "time": "10:15",
                    "behaviour_id": behaviour, "location_id": location, "note": f"crash test {worker}-{n}"}
            try:
                status, incident = server.call("/api/v1/incidents", token, body, timeout=5)
            except (OSError, urllib.error.URLError):
                continue  # the server is gone: this write was never acknowledged
            if status == 201:
                with lock:
                    acknowledged.append(incident["id"])

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    deadline = time.time() + 60
    while time.time() < deadline:
        with lock:
            if len(acknowledged) >= acknowledged_before_kill:
                break
        time.sleep(0.01)
    server.kill()
    stop.set()
    for t in threads:
        t.join()
    return token, list(acknowledged)


def check_survivors(server, acknowledged):
    _, session = server.call("/api/v1/session", body={"username": "coordinator", "password": "demo"})
    token = session["token"]
    missing = []
    for incident in acknowledged:
        try:
            status, _ = server.call(f"/api/v1/incidents/{incident}", token)
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            missing.append(incident)
    return missing


def run(tmp_path, database_url=None):
    server = Server(tmp_path, database_url)
    try:
        server.start(demo=True)
        _, acknowledged = stream_and_kill(server)
        assert len(acknowledged) >= 120
        server.start(demo=False)
        missing = check_survivors(server, acknowledged)
        assert missing == [], f"{len(missing)} of {len(acknowledged)} acknowledged incidents lost after SIGKILL"
    finally:
        server.stop()


def test_acknowledged_incidents_survive_sigkill_on_sqlite(tmp_path):
    run(tmp_path)


@pytest.mark.skipif(not os.environ.get("SAMEN_CRASH_DATABASE_URL"), reason="SAMEN_CRASH_DATABASE_URL is not set")
def test_acknowledged_incidents_survive_sigkill_on_postgres(tmp_path):
    run(tmp_path, os.environ["SAMEN_CRASH_DATABASE_URL"])
