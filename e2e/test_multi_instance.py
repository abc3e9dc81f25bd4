"""Several instances: two `samen serve` processes on one PostgreSQL database behind nginx
(round robin). A browser logs in and works through nginx (the session is in the database,
so it holds whichever instance answers), an incident written through one instance is read
through both, both instances served requests, and each nightly job ran once, not once per
instance. Run by scripts/test.sh, which starts PostgreSQL, the instances and nginx, and sets
SAMEN_LB_URL, SAMEN_INSTANCE_URLS and SAMEN_MULTI_DATABASE_URL."""
import json
import os
import re
import subprocess
import time
import urllib.request

import pytest
from selenium.webdriver.common.by import By

from conftest import navigates

LB = os.environ.get("SAMEN_LB_URL")
INSTANCES = [u for u in os.environ.get("SAMEN_INSTANCE_URLS", "").split(",") if u]
DATABASE = os.environ.get("SAMEN_MULTI_DATABASE_URL")
PSQL = os.environ.get("SAMEN_PSQL", "psql")
pytestmark = pytest.mark.skipif(not (LB and len(INSTANCES) >= 2 and DATABASE), reason="no instances behind a load balancer")


def call(base, path, token=None, body=None, headers=None):
    request = urllib.request.Request(base + path, method="POST" if body is not None else "GET", headers=headers or {})
    if token:
        request.add_header("Authorization", "Bearer " + token)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, data=data, timeout=30) as response:
        text = response.read()
        return response.status, (json.loads(text) if response.headers.get_content_type() == "application/json" else text.decode())


def served(instance):
    """Requests this instance answered, from its own /metrics (scraped on loopback)."""
    _, text = call(instance, "/metrics")
    return sum(int(n) for n in re.findall(r"^samen_http_requests_total\{[^}]*\} (\d+)$", text, re.M))


def test_browser_session_through_nginx(browser):
    before = [served(i) for i in INSTANCES]
    browser.get(LB + "/login")
    browser.find_element(By.ID, "username").send_keys("coordinator")
    browser.find_element(By.ID, "password").send_keys("demo")
    navigates(browser, browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click)
    # Page after page, alternately answered by the instances: still logged in.
    for path in ["/students", "/signals", "/incidents", "/students", "/"]:
        browser.get(LB + path)
        assert "Inloggen" not in browser.title, path
        assert browser.find_elements(By.CSS_SELECTOR, "nav[aria-label] a[href='/students']"), path
    after = [served(i) for i in INSTANCES]
    assert all(a > b for a, b in zip(after, before)), f"both instances answer: {before} → {after}"


def test_incident_round_trip_through_nginx():
    _, session = call(LB, "/api/v1/session", body={"username": "coordinator", "password": "demo"})
    token = session["token"]
    _, schools = call(LB, "/api/v1/schools", token)
    school = schools["items"][0]["id"]
    _, labels = call(LB, f"/api/v1/schools/{school}/labels", token)
    behaviour = next(l["id"] for l in labels["items"] if l["kind"] == "behaviour")
    location = next(l["id"] for l in labels["items"] if l["kind"] == "location")
    _, students = call(LB, f"/api/v1/students?school_id={school}", token)
    # As if from a client at 203.0.113.9 behind an outer proxy: nginx (trusted) appends the address it saw.
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    status, incident = call(LB, "/api/v1/incidents", token, {
        "students": [{"student_id": students["items"][0]["id"]}], "date": time.strftime("%Y-%m-%d"), "time": "09:30",
        "behaviour_id": behaviour, "location_id": location, "note": "through nginx"}, forwarded)
    assert status == 201
    # Read back through the balancer and from each instance directly.
    for base in [LB] * 4 + INSTANCES:
        status, read = call(base, f"/api/v1/incidents/{incident['id']}", token, headers=forwarded if base == LB else None)
        assert status == 200 and read["note"] == "through nginx"
    # The audit trail records each read: the forwarded client for those through nginx, the connection for the others.
    out = subprocess.run([PSQL, DATABASE, "-At", "-c",
                          f"SELECT client, COUNT(*) FROM audit_entries WHERE record_id = LOWER('{incident['id']}') GROUP BY client ORDER BY client"],
                         capture_output=True, text=True, check=True).stdout
    clients = dict(line.split("|") for line in out.splitlines() if line)
    assert clients == {"203.0.113.9": "4", "127.0.0.1": str(len(INSTANCES))}, clients


def test_each_nightly_job_ran_once():
    deadline = time.time() + 120
    rows = []
    while time.time() < deadline:
        out = subprocess.run([PSQL, DATABASE, "-At", "-c", "SELECT job, instance, finished_at IS NOT NULL FROM job_runs ORDER BY job"],
                             capture_output=True, text=True, check=True).stdout
        rows = [line.split("|") for line in out.splitlines() if line]
        if len(rows) >= 2 and all(r[2] == "t" for r in rows):
            break
        time.sleep(1)
    assert sorted(r[0] for r in rows) == ["retention", "rules"], rows
