"""Which project caregraph works on, and the commands that write into it: add puts records where the researcher
works (the checkout containing the current folder, found as git finds its repository), never into the copy
installed with caregraph; remove takes back a record that nothing else points at."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
VALID_ICS = REPO / "examples" / "valid" / "later-wave-ics.ttl"
SOURCES = REPO.parent / "shared" / "sources"


@pytest.fixture
def checkout(scratch_project):
    """A project folder laid out like a clone (see conftest)."""
    return scratch_project


@pytest.fixture
def caregraph(capsys, monkeypatch):
    """Run caregraph in-process with no --root, the source texts named by CAREGRAPH_SOURCES."""
    from caregraph.cli import main

    monkeypatch.setenv("CAREGRAPH_SOURCES", str(SOURCES))

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_the_project_is_the_checkout_containing_the_current_folder(checkout, monkeypatch):
    from caregraph.project import Project

    inside = checkout / "data" / "areas"
    inside.mkdir()
    monkeypatch.chdir(inside)
    project = Project.locate()
    assert project.root == checkout.resolve() and not project.read_only
    # --root (or CAREGRAPH_ROOT) names another project explicitly, wherever the command runs.
    assert Project.locate(REPO).root == REPO
    monkeypatch.setenv("CAREGRAPH_ROOT", str(REPO))
    assert Project.locate().root == REPO


def test_outside_any_checkout_the_installed_copy_is_read_only(tmp_path, monkeypatch):
    from caregraph.project import Project

    monkeypatch.chdir(tmp_path)
    project = Project.locate()
    assert project.read_only
    assert (project.root / "ontology" / "caregraph.ttl").is_file()


def test_add_inside_a_checkout_writes_there_and_prints_the_absolute_path(checkout, caregraph, monkeypatch):
    monkeypatch.chdir(checkout / "data")
    code, out, err = caregraph("add", str(VALID_ICS), "-q")
    target = checkout.resolve() / "data" / "areas" / VALID_ICS.name
    assert code == 0, out + err
    assert out.strip() == f"added {target}"
    assert target.read_bytes() == VALID_ICS.read_bytes()


def test_add_outside_any_checkout_refuses_and_names_root(tmp_path, caregraph, monkeypatch):
    from caregraph.project import Project

    monkeypatch.chdir(tmp_path)
    installed = Project.locate()
    before = sorted(installed.data_dir.rglob("*"))
    code, out, err = caregraph("add", str(VALID_ICS), "-q")
    assert code == 2 and out == ""
    assert f"would have written {installed.data_dir / 'areas' / VALID_ICS.name}" in err
    assert "--root" in err and "read-only" in err
    assert sorted(installed.data_dir.rglob("*")) == before


def test_global_options_go_before_or_after_the_command(checkout, caregraph):
    for argv in (
        ["-q", "--root", str(checkout), "validate", str(VALID_ICS)],
        ["validate", str(VALID_ICS), "-q", "--root", str(checkout)],
        ["validate", "--debug", "--root", str(checkout), "--quiet", str(VALID_ICS)],
    ):
        code, out, err = caregraph(*argv)
        assert code == 0, (argv, out, err)
        assert err == "", argv  # -q silenced the progress lines wherever it stood
        assert out.strip().endswith("conforms")


# --- remove ----------------------------------------------------------------------------------------------------


def test_remove_takes_back_an_added_record(checkout, caregraph):
    assert caregraph("--root", str(checkout), "-q", "add", str(VALID_ICS))[0] == 0
    target = checkout.resolve() / "data" / "areas" / VALID_ICS.name
    code, out, _ = caregraph("--root", str(checkout), "-q", "remove", "data/areas/" + VALID_ICS.name)
    assert code == 0 and out.strip() == f"removed {target}"
    assert not target.exists()


def test_remove_refuses_while_other_records_point_at_the_record(checkout, caregraph):
    assert caregraph("--root", str(checkout), "-q", "add", str(VALID_ICS))[0] == 0
    target = checkout / "data" / "areas" / VALID_ICS.name
    pointer = checkout / "data" / "areas" / "pointer.ttl"
    pointer.write_text(
        "@prefix cg: <https://w3id.org/caregraph/def#> .\n"
        "@prefix cgd: <https://w3id.org/caregraph/id/> .\n"
        "cgd:system-later-example cg:evolvedFrom cgd:system-west-yorkshire-and-harrogate .\n"
    )
    code, out, err = caregraph("--root", str(checkout), "-q", "remove", str(target))
    assert code == 1
    assert out.strip() == "cgd:system-later-example cg:evolvedFrom cgd:system-west-yorkshire-and-harrogate"
    assert "nothing was removed" in err
    assert target.read_bytes() == VALID_ICS.read_bytes()


def test_remove_refuses_files_outside_data_and_generated_ones(checkout, caregraph, tmp_path):
    code, _, err = caregraph("--root", str(checkout), "-q", "remove", str(VALID_ICS))
    assert code == 2 and "remove only removes files under data/" in err
    generated = checkout / "data" / "reference" / "stps.ttl"
    generated.write_text("")
    code, _, err = caregraph("--root", str(checkout), "-q", "remove", str(generated))
    assert code == 2 and "import-reference" in err
    assert generated.exists()
    code, _, err = caregraph("--root", str(checkout), "-q", "remove", "data/areas/nowhere.ttl")
    assert code == 2 and "no such file" in err


def test_remove_outside_any_checkout_refuses(tmp_path, caregraph, monkeypatch):
    from caregraph.project import Project

    monkeypatch.chdir(tmp_path)
    installed = Project.locate()
    record = next(installed.data_dir.glob("areas/*.ttl"))
    code, _, err = caregraph("-q", "remove", str(record))
    assert code == 2 and "read-only" in err and "--root" in err
    assert record.exists()
