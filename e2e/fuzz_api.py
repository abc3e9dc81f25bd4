"""Hostile input against the served API: schemathesis over every operation of
/api/v1/openapi.json, logged in, first with generated identifiers (records that
do not exist) and then with the identifiers of real demo records, so generated
bodies reach the code behind the access checks. Every response must be
documented and match its schema, and none may be a 5xx.

Run by scripts/test.sh against `samen serve --demo` (SAMEN_URL); not a pytest
module. FUZZ_SECONDS sets the time per run (default 60). Exits non-zero when a
run finds a failure, with schemathesis's report of what and how to reproduce.
"""
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

BASE = os.environ.get("SAMEN_URL", "http://127.0.0.1:18080")
SECONDS = os.environ.get("FUZZ_SECONDS", "60")
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def call(path, token=None, body=None):
    request = urllib.request.Request(BASE + path, method="POST" if body is not None else "GET")
    request.add_header("Accept", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, data=data, timeout=30) as response:
        return json.loads(response.read() or b"null")


def login(username):
    return call("/api/v1/session", body={"username": username, "password": "demo"})["token"]


def first(items, key="id"):
    return items[0][key] if items else None


def demo_ids(coordinator, admin):
    """Identifiers of real records in the coordinator's school, found through the API itself."""
    ids = {}
    school = first(call("/api/v1/schools", coordinator)["items"])
    ids["school"] = school
    ids["group"] = first(call(f"/api/v1/schools/{school}/groups", coordinator)["items"])
    students = call(f"/api/v1/students?school_id={school}", coordinator)["items"]
    ids["student"] = first(students)
    ids["incident"] = first(call("/api/v1/incidents", coordinator)["items"])
    ids["signal"] = first(call("/api/v1/signals", coordinator)["items"])
    ids["meeting"] = first(call(f"/api/v1/schools/{school}/meetings", coordinator)["items"])
    ids["case"] = first(call(f"/api/v1/schools/{school}/cases", coordinator)["items"])
    ids["round"] = first(call(f"/api/v1/schools/{school}/screening/rounds", coordinator)["items"])
    ids["instrument"] = first(call("/api/v1/screening/instruments", coordinator)["items"])
    ids["programme"] = first(call("/api/v1/programmes", coordinator)["items"])
    ids["questionnaire"] = first(call("/api/v1/questionnaires", admin)["items"])
    ids["wave"] = first(call("/api/v1/waves", admin)["items"])
    # A student with an enrolment and one with a consent, among the first students of the school.
    for student in students[:60]:
        if "enrolment" not in ids:
            enrolments = call(f"/api/v1/students/{student['id']}/enrolments", coordinator)["items"]
            if enrolments:
                ids["enrolment"] = enrolments[0]["id"]
        if "consent" not in ids:
            consents = call(f"/api/v1/students/{student['id']}/consents", coordinator)["items"]
            if consents:
                ids["consent"] = consents[0]["id"]
    return {k: v for k, v in ids.items() if v}


def run(name, token, parameters):
    config = "".join(f'"path.{k}" = "{v}"\n' for k, v in parameters.items())
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
        f.write("[parameters]\n" + config if config else "")
        path = f.name
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", path, "run", BASE + "/api/v1/openapi.json",
        "--url", BASE, "-H", "Authorization: Bearer " + token, "--checks", CHECKS,
        # Ending the session would log the run out.
        "--exclude-name", "DELETE /api/v1/session",
        "--phases", "examples,coverage,fuzzing", "--max-time", SECONDS, "--workers", "2",
        "--warnings", "off", "--no-color",
    ]
    print(f"== schemathesis: {name}", flush=True)
    result = subprocess.run(command)
    os.unlink(path)
    return result.returncode


def main():
    admin, coordinator = login("admin"), login("coordinator")
    ids = demo_ids(coordinator, admin)
    failed = 0
    failed |= run("as the administrator, generated identifiers", admin, {})
    failed |= run("as the care coordinator, the demo's records", login("coordinator"), ids)
    failed |= run("as the administrator, the demo's records", login("admin"), ids)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
