"""The ontology is OWL 2 DL: the OWL API's profile checker (Debian's libowlapi-java, which .ci/system-packages
installs) finds no violation in ontology/*.ttl merged into one document, as Protégé and the DL reasoners read it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

JAVA_DIR = Path(__file__).parent / "java"


def _owlapi_classpath() -> str | None:
    """The jars of libowlapi-java and of the packages it depends on, or None if it is not installed."""
    depends = (
        subprocess.run(
            ["dpkg-query", "-W", "-f=${Depends}", "libowlapi-java"], capture_output=True, text=True, timeout=30
        )
        if shutil.which("dpkg-query")
        else None
    )
    if depends is None or depends.returncode != 0:
        return None
    packages = ["libowlapi-java", *(d.split("|")[0].split("(")[0].strip() for d in depends.stdout.split(","))]
    listed = subprocess.run(["dpkg-query", "-L", *packages], capture_output=True, text=True, timeout=30).stdout
    # One copy of each jar and no SLF4J binding (several make it warn; none makes it quiet).
    jars = sorted(
        {
            line
            for line in listed.splitlines()
            if line.startswith("/usr/share/java/") and line.endswith(".jar") and "slf4j-" not in line.rsplit("/", 1)[-1]
        }
    )
    return ":".join([*jars, "/usr/share/java/slf4j-api.jar"])


def test_the_ontology_is_in_the_owl2_dl_profile(project, tmp_path):
    from caregraph.export import serialize
    from caregraph.graph import CareGraph

    java, classpath = shutil.which("java"), _owlapi_classpath()
    if java is None or classpath is None:
        pytest.skip("the OWL API is not installed (Debian libowlapi-java and a Java runtime): run .ci/system-packages")
    merged = tmp_path / "ontology.ttl"
    merged.write_bytes(serialize(CareGraph.from_files(project.ontology_files(), project=project), "turtle"))
    done = subprocess.run(
        [java, "-cp", classpath, str(JAVA_DIR / "Owl2DlProfile.java"), str(merged)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = done.stdout.strip().splitlines()
    assert report and report[-1] == "0 violations", "\n".join(report[-20:]) or done.stderr[-2000:]
    assert done.returncode == 0, done.stderr[-2000:]
