"""Operations end to end with the built binary on an SQLite data directory: a backup taken while
`samen serve` runs, a restore that brings the database back (and refuses a file that is not a Samen
backup), a student's export for a guardian's access request, and retention's dry run."""
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = os.environ.get("SAMEN_BIN", str(ROOT / ".build" / "debug" / "samen"))


def samen(*args, data):
    env = dict(os.environ, SAMEN_LANG="nl", LOG_LEVEL="error")
    env.pop("DATABASE_URL", None)
    return subprocess.run([BIN, *map(str, args), "--data", str(data)], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    directory = tmp_path_factory.mktemp("ops") / "data"
    assert samen("demo", data=directory).returncode == 0
    return directory


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_backup_while_serving_restore_and_export(data, tmp_path):
    port = free_port()
    server = subprocess.Popen([BIN, "serve", "--data", str(data), "--port", str(port)], env=dict(os.environ, LOG_LEVEL="error", SAMEN_JOBS="off"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        snapshot = tmp_path / "samen-backup.sqlite"
        taken = samen("backup", snapshot, data=data)
        assert taken.returncode == 0, taken.stderr
        assert snapshot.exists() and "Reservekopie geschreven" in taken.stdout
        again = samen("backup", snapshot, data=data)
        assert again.returncode == 1 and "bestaat al" in again.stderr
    finally:
        server.terminate()
        server.wait()

    # A student arrives after the backup; their export holds their data.
    csv = tmp_path / "one.csv"
    csv.write_text("leerlingnummer;roepnaam;achternaam;geboortedatum;groep\n990001;Test;Persoon;01-02-2016;5a\n")
    assert samen("import", "students", csv, "--school", "10AA", data=data).returncode == 0
    export = tmp_path / "leerling.txt"
    made = samen("export", "student", "990001", "--school", "10AA", "--output", export, data=data)
    assert made.returncode == 0, made.stderr
    text = export.read_text()
    assert "Gegevens in Samen over Test Persoon" in text and "Leerlingnummer: 990001" in text and "Wie het dossier las of wijzigde" in text

    # Not a Samen backup: refused, nothing changed.
    junk = tmp_path / "junk.sqlite"
    junk.write_text("no database here")
    refused = samen("restore", junk, data=data)
    assert refused.returncode == 1 and "Er is niets veranderd" in refused.stderr
    assert samen("export", "student", "990001", "--school", "10AA", "--output", export, data=data).returncode == 0

    # The backup restored: the student who came after it is gone, the previous file kept beside it.
    restored = samen("restore", snapshot, data=data)
    assert restored.returncode == 0, restored.stderr
    assert "before-restore" in restored.stdout
    assert any(p.name.startswith("samen.sqlite.before-restore-") for p in Path(data).iterdir())
    gone = samen("export", "student", "990001", "--school", "10AA", "--output", export, data=data)
    assert gone.returncode != 0 and "990001" in gone.stderr
    assert samen("audit", "verify", data=data).returncode == 0


def test_retention_dry_run_and_bad_periods(data):
    dry = samen("retention", "run", "--dry-run", data=data)
    assert dry.returncode == 0, dry.stderr
    assert "Proefrun" in dry.stdout and "Er is niets veranderd" in dry.stdout
    bad = samen("retention", "run", "--student-years", "0", data=data)
    assert bad.returncode != 0 and "geen aantal jaren" in bad.stderr
