"""Hostile inputs, round two (issue #18): no lost data, no file read outside the project,
no bomb, no traceback, nothing silently wrong.

Each class of the issue has its cases here, run through the command line where the
user meets them: exit 2 with one line naming the file and the fix, or a correct
result. Big and bomb files are made at run time in ``tmp_path``, never committed.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability import files
from reliability.cli import main

V1 = "unit,coder,code\nU1,ann,x\nU1,bob,x\nU2,ann,y\nU2,bob,x\nU3,ann,x\nU3,bob,x\n"


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def refused(result, *fragments: str) -> None:
    """Exit 2, one line on stderr that holds every fragment, nothing on stdout, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def other_coder(folder: Path) -> Path:
    """A second, well-formed coder's file beside a hostile one."""
    path = folder / "b.csv"
    path.write_text("unit,code\nU1,x\n", encoding="utf-8")
    return path


@pytest.fixture
def coding(tmp_path) -> Path:
    path = tmp_path / "coding.csv"
    path.write_text(V1, encoding="utf-8")
    return path


# --- 1. data loss ----------------------------------------------------------------------------------


class TestNoInputOverwritten:
    def test_output_naming_the_input(self, coding):
        refused(invoke("compare", coding, "-o", coding), "is an input (INPUTS)", "give another output file")
        assert coding.read_text(encoding="utf-8") == V1

    def test_output_through_a_link_or_another_name(self, coding, tmp_path):
        link, hard = tmp_path / "link.json", tmp_path / "hard.json"
        link.symlink_to(coding)
        os.link(coding, hard)
        for other in (link, hard, tmp_path / "." / "coding.csv"):
            refused(invoke("compare", coding, "-o", other), "is an input")
        assert coding.read_text(encoding="utf-8") == V1

    def test_output_inside_an_input_folder(self, tmp_path):
        folder = tmp_path / "coders"
        folder.mkdir()
        (folder / "ann.csv").write_text("unit,code\nU1,x\n", encoding="utf-8")
        (folder / "bob.csv").write_text("unit,code\nU1,x\n", encoding="utf-8")
        refused(invoke("compare", folder, "-o", folder / "bob.csv"), "is an input (INPUTS)")
        assert (folder / "bob.csv").read_text(encoding="utf-8") == "unit,code\nU1,x\n"

    def test_new_output_inside_an_input_folder_that_the_next_run_would_read(self, tmp_path):
        folder = tmp_path / "coders"
        folder.mkdir()
        (folder / "ann.csv").write_text("unit,code\nU1,x\n", encoding="utf-8")
        (folder / "bob.csv").write_text("unit,code\nU1,x\n", encoding="utf-8")
        refused(invoke("compare", folder, "--format", "csv", "-o", folder / "report.csv"), "next run would read it")
        assert sorted(p.name for p in folder.iterdir()) == ["ann.csv", "bob.csv"]
        # A suffix the folder's reader skips is written there as asked.
        assert invoke("compare", folder, "--format", "json", "-o", folder / "report.json").exit_code == 0

    @pytest.mark.parametrize("option", ["--codebook", "--recode"])
    def test_output_naming_the_codebook_or_recode_file(self, coding, tmp_path, option):
        side = tmp_path / "side.csv"
        side.write_text("code,definition\nx,X\ny,Y\n" if option == "--codebook" else "old,new\nx,z\n", encoding="utf-8")
        before = side.read_text(encoding="utf-8")
        refused(invoke("compare", coding, option, side, "-o", side), f"is an input ({option})")
        assert side.read_text(encoding="utf-8") == before

    def test_check_outputs_naming_the_baseline_config_or_input(self, coding, tmp_path):
        baseline = tmp_path / "baseline.json"
        assert invoke("compare", coding, "--format", "json", "-o", baseline).exit_code == 0
        before = baseline.read_bytes()
        refused(invoke("check", coding, "--baseline", baseline, "-o", baseline), "is an input (--baseline)")
        refused(invoke("check", coding, "--baseline", baseline, "--junit", baseline), "--junit", "is an input (--baseline)")
        refused(invoke("check", coding, "--min", "jaccard=0.5", "--junit", coding), "is an input (INPUTS)")
        config = tmp_path / "gate.toml"
        config.write_text('[min]\njaccard = 0.5\n', encoding="utf-8")
        refused(invoke("check", coding, "--config", config, "-o", config), "is an input (--config)")
        assert baseline.read_bytes() == before and coding.read_text(encoding="utf-8") == V1

    def test_two_outputs_on_one_path(self, coding, tmp_path):
        out = tmp_path / "out.xml"
        refused(invoke("check", coding, "--min", "jaccard=0.5", "-o", out, "--junit", out), "also the file of -o")
        assert not out.exists()

    def test_plan_output_naming_the_pilot(self, coding, tmp_path):
        pilot = tmp_path / "pilot.json"
        assert invoke("compare", coding, "--ci", "--bootstrap", "10", "--format", "json", "-o", pilot).exit_code == 0
        before = pilot.read_bytes()
        refused(invoke("plan", "--from", pilot, "-o", pilot), "is an input (--from)")
        assert pilot.read_bytes() == before

    def test_diff_output_naming_a_side(self, coding, tmp_path):
        report = tmp_path / "old.json"
        assert invoke("compare", coding, "--format", "json", "-o", report).exit_code == 0
        before = report.read_bytes()
        refused(invoke("diff", report, coding, "-o", report), "is an input (OLD)")
        assert report.read_bytes() == before

    def test_refused_before_anything_is_read(self, tmp_path):
        # The input is a pipe: were it read, the command would hang (or fail on it first).
        pipe = tmp_path / "coding.csv"
        os.mkfifo(pipe)
        refused(invoke("compare", pipe, "-o", pipe), "is an input")


def _fail_renaming_onto(target: Path, error: int, monkeypatch) -> None:
    """Make the atomic write's last step, the rename onto ``target``, fail with ``error``."""
    real = files.os.replace

    def interrupted(source, destination):
        if Path(destination) == target:
            raise OSError(error, os.strerror(error))
        real(source, destination)

    monkeypatch.setattr(files.os, "replace", interrupted)


class TestFailedWrites:
    def test_a_full_disk_keeps_the_earlier_report(self, coding, tmp_path, monkeypatch):
        report = tmp_path / "report.json"
        assert invoke("compare", coding, "--format", "json", "-o", report).exit_code == 0
        earlier = report.read_bytes()

        def full(descriptor):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(files.os, "fsync", full)
        refused(invoke("compare", coding, "--format", "markdown", "-o", report), "No space left on device", "left as it was")
        assert report.read_bytes() == earlier
        assert sorted(p.name for p in tmp_path.iterdir()) == ["coding.csv", "report.json"]  # no temporary file left

    def test_a_failed_junit_write_keeps_the_earlier_file(self, coding, tmp_path, monkeypatch):
        junit = tmp_path / "junit.xml"
        junit.write_text("<earlier/>", encoding="utf-8")
        _fail_renaming_onto(junit, errno.EIO, monkeypatch)
        result = invoke("check", coding, "--min", "jaccard=0.5", "--format", "json", "--junit", junit)
        assert result.exit_code == 2 and result.stderr.startswith(f"Error: cannot write {junit} (Input/output error)")
        assert junit.read_text(encoding="utf-8") == "<earlier/>"
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

    def test_figures_that_cannot_be_written_are_one_line_not_a_traceback(self, coding, tmp_path):
        blocker = tmp_path / "a-file"
        blocker.write_text("", encoding="utf-8")
        result = invoke("compare", coding, "--figures", blocker / "figures")
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr == (
            f"Error: cannot write the figures to {blocker / 'figures'} (Not a directory); check the folder can be "
            "made there and is writable, and the disk has space (files already there are left as they were)\n"
        )

    def test_a_failed_figure_write_keeps_the_earlier_file(self, coding, tmp_path, monkeypatch):
        folder = tmp_path / "figures"
        folder.mkdir()
        forest = folder / "forest.png"
        forest.write_bytes(b"earlier")
        _fail_renaming_onto(forest, errno.ENOSPC, monkeypatch)
        result = invoke("compare", coding, "--figures", folder)
        assert result.exit_code == 2 and "(No space left on device)" in result.stderr
        assert forest.read_bytes() == b"earlier"
        assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []

    def test_a_new_file_gets_the_usual_permissions(self, coding, tmp_path):
        report = tmp_path / "report.md"
        assert invoke("compare", coding, "-o", report).exit_code == 0
        umask = os.umask(0)
        os.umask(umask)
        assert report.stat().st_mode & 0o777 == 0o666 & ~umask

    def test_stdout_on_a_full_disk(self, coding):
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [sys.executable, "-m", "reliability", "compare", str(coding)],
                stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
            )
        assert done.returncode == 2
        assert done.stderr == "Error: cannot write the report to standard output (No space left on device); use -o FILE\n"


# --- 2. reading outside the project ----------------------------------------------------------------


def project_xml(path: str, selections: str = "", doctype: str = "") -> str:
    """A REFI-QDA project whose one text source lives at ``path``; two users code it alike."""
    coded = "".join(
        f'<PlainTextSelection guid="S{u}" startPosition="0" endPosition="4">'
        f'<Coding guid="K{u}" creatingUser="U-{u}"><CodeRef targetGUID="C-x"/></Coding></PlainTextSelection>'
        for u in ("a", "b")
    )
    return (
        f'<?xml version="1.0"?>{doctype}<Project xmlns="urn:QDA-XML:project:1.0" name="p">'
        '<Users><User guid="U-a" name="ann"/><User guid="U-b" name="bob"/></Users>'
        '<CodeBook><Codes><Code guid="C-x" name="x" isCodable="true"/></Codes></CodeBook><Sources>'
        f'<TextSource guid="T" name="doc" plainTextPath="{path}">{selections or coded}</TextSource></Sources></Project>'
    )


SECRET = "root:x:0:0:secret-line"


@pytest.fixture
def secret(tmp_path) -> Path:
    """A file outside the project folder that must never be read into a report or a message."""
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


class TestSourcesStayInsideTheProject:
    @pytest.mark.parametrize("where", ["internal://{secret}", "internal://../secret.txt", "internal://sub/../../secret.txt"])
    def test_bare_project_source_outside_its_folder(self, tmp_path, secret, where):
        folder = tmp_path / "project"
        (folder / "sources").mkdir(parents=True)
        path = folder / "p.qde"
        path.write_text(project_xml(where.format(secret=secret).replace("internal:///", "internal:///")), encoding="utf-8")
        for fmt in ("json", "table"):
            result = invoke("compare", path, "--units", "characters", "--format", fmt)
            refused(result, "points outside the project")
            assert SECRET not in result.output

    def test_a_link_in_the_sources_folder_that_leads_out(self, tmp_path, secret):
        folder = tmp_path / "project"
        (folder / "sources").mkdir(parents=True)
        (folder / "sources" / "t.txt").symlink_to(secret)
        path = folder / "p.qde"
        path.write_text(project_xml("internal://t.txt"), encoding="utf-8")
        result = invoke("compare", path, "--format", "json")
        refused(result, "points outside the project")
        assert SECRET not in result.output

    @pytest.mark.parametrize("where", ["internal:///etc/passwd", "internal://../../etc/passwd", "internal://C:/x.txt"])
    def test_archive_source_outside_the_archive(self, tmp_path, where):
        path = tmp_path / "p.qdpx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("project.qde", project_xml(where))
            archive.writestr("sources/t.txt", "text of the document")
        result = invoke("compare", path, "--format", "json")
        refused(result, "points outside the project")
        assert "root:" not in result.output

    def test_a_source_inside_the_archive_is_read(self, tmp_path):
        path = tmp_path / "p.qdpx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("project.qde", project_xml("internal://t.txt"))
            archive.writestr("sources/t.txt", "text of the document")
        result = invoke("compare", path, "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["overall"]["percent_agreement"]["value"] == 1.0

    def test_a_dtd_default_attribute_cannot_reassign_codings(self, tmp_path):
        # bob's selection names no user; the DTD would make every Coding's creatingUser 'U-a'.
        doctype = '<!DOCTYPE Project [<!ATTLIST Coding creatingUser CDATA "U-a">]>'
        path = tmp_path / "p.qde"
        path.write_text(project_xml("internal://t.txt", doctype=doctype), encoding="utf-8")
        refused(invoke("compare", path), "was refused: it uses XML entities or a DTD")

    def test_a_settings_file_cannot_name_files_elsewhere(self, tmp_path, secret):
        project = tmp_path / "project"
        project.mkdir()
        (project / "reliability.toml").write_text(f'inputs = ["{secret}"]\n[min]\njaccard = 0.5\n', encoding="utf-8")
        result = CliRunner().invoke(main, ["check", "--config", str(project / "reliability.toml")])
        refused(result, "is outside the project")
        assert SECRET not in result.output


# --- 3. bombs and things that never end -----------------------------------------------------------------


def archive_with(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


class TestBombs:
    def test_many_sources_pointing_at_one_big_member(self, tmp_path, monkeypatch):
        # The bomb, scaled down: 61 sources share one member; the budget counts every read.
        monkeypatch.setattr(files, "MAX_ARCHIVE_UNPACKED_BYTES", 1024 * 1024)
        text = ("abcd efgh " * 3000).encode()  # 30 kB, fits once but not 61 times
        selections = "".join(
            f'<TextSource guid="T{i}" name="d{i}" plainTextPath="internal://big.txt"/>' for i in range(61)
        )
        xml = project_xml("internal://big.txt").replace("</Sources>", selections + "</Sources>")
        path = archive_with(tmp_path / "p.qdpx", {"project.qde": xml.encode(), "sources/big.txt": text})
        refused(invoke("compare", path), "goes past the 1 MiB allowed for one archive in all")

    def test_a_member_compressed_past_the_ratio(self, tmp_path):
        big = bytes(files.RATIO_CHECKED_FROM_BYTES + 1024)  # zeros: about 1,000 to 1
        path = archive_with(tmp_path / "p.qdpx", {"project.qde": project_xml("internal://z.txt").encode(), "sources/z.txt": big})
        assert path.stat().st_size < 200_000
        refused(invoke("compare", path), "sources/z.txt is compressed", "more than the 200 to 1", "zip bomb")

    def test_a_workbook_bomb(self, tmp_path):
        path = archive_with(tmp_path / "a.xlsx", {"xl/worksheets/sheet1.xml": bytes(files.RATIO_CHECKED_FROM_BYTES + 1024)})
        refused(invoke("compare", path, other_coder(tmp_path)), "a.xlsx: xl/worksheets/sheet1.xml is compressed")

    def test_declared_sizes_that_lie(self, tmp_path):
        """The directory says 10 bytes; the member holds 1 MiB: reading stops at the declared size and the CRC fails."""
        path = archive_with(tmp_path / "p.qdpx", {"project.qde": project_xml("internal://t.txt").encode(), "sources/t.txt": b"y" * (1 << 20)})
        data = bytearray(path.read_bytes())
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("sources/t.txt")
        central = data.rfind(b"PK\x01\x02" + data[data.find(b"PK\x01\x02") + 4 : data.find(b"PK\x01\x02") + 4])
        at = data.find(b"sources/t.txt", data.find(b"PK\x01\x02"))
        entry = data.rfind(b"PK\x01\x02", 0, at)
        data[entry + 24 : entry + 28] = (10).to_bytes(4, "little")  # uncompressed size in the central directory
        assert central >= 0 and info.file_size == 1 << 20
        path.write_bytes(bytes(data))
        refused(invoke("compare", path, "--units", "characters"), "p.qdpx: sources/t.txt is damaged")

    @pytest.mark.parametrize("suffix", [".qdpx", ".qde", ".xlsx", ".csv", ".sqlite3", ".qda"])
    def test_dev_zero_as_an_input(self, tmp_path, suffix):
        link = tmp_path / f"zero{suffix}"
        link.symlink_to("/dev/zero")
        other = tmp_path / "b.csv"
        other.write_text("unit,code\nU1,x\n", encoding="utf-8")
        refused(invoke("compare", link, other), "is not a regular file")

    @pytest.mark.parametrize("option", ["--baseline", "--config", "--codebook", "--recode"])
    def test_dev_zero_as_a_side_file(self, coding, tmp_path, option):
        link = tmp_path / ("zero.csv" if option in ("--codebook", "--recode") else "zero.json")
        link.symlink_to("/dev/zero")
        refused(invoke("check", coding, "--min", "jaccard=0.1", option, link), "is not a regular file")

    @pytest.mark.parametrize("role", ["input", "project", "baseline", "config", "codebook"])
    def test_a_pipe_never_hangs(self, coding, tmp_path, role):
        pipe = tmp_path / {"input": "b.csv", "project": "p.qdpx", "baseline": "b.json", "config": "c.toml", "codebook": "c.csv"}[role]
        os.mkfifo(pipe)
        args = {
            "input": ["compare", coding, pipe],
            "project": ["compare", pipe],
            "baseline": ["check", coding, "--baseline", pipe],
            "config": ["check", coding, "--config", pipe],
            "codebook": ["compare", coding, "--codebook", pipe],
        }[role]
        done = subprocess.run([sys.executable, "-m", "reliability", *map(str, args)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and "is not a regular file" in done.stderr and "Traceback" not in done.stderr

    def test_a_settings_file_past_its_size_cap(self, coding, tmp_path):
        config = tmp_path / "c.toml"
        with config.open("wb") as handle:
            handle.truncate(files.MAX_SETTINGS_BYTES + 1)
        refused(invoke("check", coding, "--config", config), "more than the 1 MiB")


# --- 4. tracebacks still reachable ----------------------------------------------------------------------


def _zip_bytes(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytearray:
    path_data = bytearray()
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    path_data.extend(buffer.getvalue())
    return path_data


def _broken(kind: str) -> bytes:
    xml = project_xml("internal://t.txt").encode()
    data = _zip_bytes({"project.qde": xml, "sources/t.txt": b"text " * 200})
    local = data.find(b"PK\x03\x04")  # the project's local header comes first
    central = data.find(b"PK\x01\x02")
    if kind == "bad CRC":
        data[local + 14] ^= 0xFF
        data[central + 16] ^= 0xFF
    elif kind == "corrupt deflate":
        start = local + 30 + len("project.qde")
        data[start : start + 8] = b"\xff" * 8
    elif kind == "encrypted member":
        data[local + 6] |= 1
        data[central + 8] |= 1
    elif kind == "unsupported compression":
        data[local + 8] = 99
        data[central + 10] = 99
    elif kind == "truncated":
        data = data[: len(data) // 2]
    return bytes(data)


class TestNoTraceback:
    @pytest.mark.parametrize("kind", ["bad CRC", "corrupt deflate", "encrypted member", "unsupported compression", "truncated"])
    @pytest.mark.parametrize("suffix", [".qdpx", ".xlsx"])
    def test_broken_zips(self, tmp_path, kind, suffix):
        path = tmp_path / f"p{suffix}"
        path.write_bytes(_broken(kind))
        other = tmp_path / "b.csv"
        other.write_text("unit,code\nU1,x\n", encoding="utf-8")
        refused(invoke("compare", path, *([other] if suffix == ".xlsx" else [])), str(path))

    def test_broken_zip_as_a_codebook(self, coding, tmp_path):
        book = tmp_path / "book.qdpx"
        book.write_bytes(_broken("bad CRC"))
        refused(invoke("compare", coding, "--codebook", book), "codebook", "is damaged")

    @pytest.mark.parametrize("position", ["²", "٣", "9" * 5000, str(2**63), str(2**40 + 1), "-1", "1e3"])
    def test_refi_positions_that_are_not_positions(self, tmp_path, position):
        selections = (
            '<PlainTextSelection guid="S1" startPosition="0" endPosition="4"><Coding guid="K1" creatingUser="U-a">'
            '<CodeRef targetGUID="C-x"/></Coding></PlainTextSelection>'
            f'<PlainTextSelection guid="S2" startPosition="0" endPosition="{position}"><Coding guid="K2" creatingUser="U-b">'
            '<CodeRef targetGUID="C-x"/></Coding></PlainTextSelection>'
            '<PlainTextSelection guid="S3" startPosition="0" endPosition="4"><Coding guid="K3" creatingUser="U-b">'
            '<CodeRef targetGUID="C-x"/></Coding></PlainTextSelection>'
        )
        path = tmp_path / "p.qde"
        path.write_text(project_xml("internal://t.txt", selections), encoding="utf-8")
        result = invoke("compare", path, "--format", "json")
        assert result.exit_code == 0, result.output
        ignored = {i["reason"]: i["rows"] for i in json.loads(result.stdout)["input"]["ignored"]}
        assert ignored == {"selection whose startPosition or endPosition is not a whole number (from 0 to 2^40)": 1}

    @pytest.mark.parametrize("units", ["segments", "characters"])
    def test_a_span_end_of_5e18(self, tmp_path, units):
        spans = tmp_path / "spans.csv"
        spans.write_text(
            "document,start,end,code,coder\nd,0,4,x,ann\nd,0,4,x,bob\nd,0,5e18,x,bob\nd,0,5000000000000000000,x,ann\n",
            encoding="utf-8",
        )
        result = invoke("compare", spans, "--units", units, "--format", "json")
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        assert {i["reason"]: i["rows"] for i in doc["input"]["ignored"]} == {
            "start or end is not a whole number of characters (from 0 to 2^40)": 2
        }
        assert doc["overall"]["percent_agreement"]["value"] == 1.0

    def test_a_codebook_nested_two_thousand_levels(self, coding, tmp_path):
        depth = 2000
        book = tmp_path / "book.qdc"
        book.write_text(
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
            + "".join(f'<Code guid="g{i}" name="{"x" if i == depth - 1 else f"c{i}"}" isCodable="true">' for i in range(depth))
            + "</Code>" * depth
            + '<Code guid="gy" name="y" isCodable="true"/></Codes></CodeBook>',
            encoding="utf-8",
        )
        result = invoke("compare", coding, "--codebook", book, "--level", "1", "--format", "json")
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        assert [c["code"] for c in doc["codes"]] == ["c0", "y"]  # x rolled up through 1,999 ancestors to c0

    def test_unit_ids_with_5000_digit_numbers(self, tmp_path):
        ids = ["U" + "9" * 5000, "U2", "U" + "1" * 5000]
        path = tmp_path / "coding.csv"
        path.write_text("unit,coder,code\n" + "".join(f"{u},{c},x\n" for u in ids for c in ("ann", "bob")), encoding="utf-8")
        result = invoke("compare", path, "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["input"]["units"] == 3

    @pytest.mark.parametrize(("option", "value", "fragment"), [
        ("--seed", "-1", "x>=0"),
        ("--confidence", "nan", "is not a number in the range 0.5<=x<=0.999"),
        ("--confidence", "inf", "0.5<=x<=0.999"),
        ("--min-overlap", "nan", "is not a number in the range"),
        ("--bootstrap", "10000000", "10<=x<=100000"),
    ])
    def test_option_values_out_of_range(self, coding, option, value, fragment):
        result = invoke("compare", coding, "--ci", option, value)
        assert result.exit_code == 2 and fragment in result.stderr and "Traceback" not in result.output

    @pytest.mark.parametrize("text", [
        "a = " + "[" * 100_000 + "]" * 100_000,
        "a = " + "{b=" * 100_000 + "1" + "}" * 100_000,
        "a" + ".b" * 100_000 + " = 1",
        "[" + ".".join(["t"] * 100_000) + "]\nx = 1",
    ], ids=["arrays", "inline tables", "dotted key", "table header"])
    def test_a_settings_file_nested_100000_deep(self, coding, tmp_path, text):
        config = tmp_path / "c.toml"
        config.write_text(text, encoding="utf-8")
        refused(invoke("check", coding, "--config", config), "nested more than 64 levels deep")

    def test_a_baseline_nested_100000_deep(self, coding, tmp_path):
        baseline = tmp_path / "b.json"
        baseline.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
        refused(invoke("check", coding, "--baseline", baseline), "nested more than 64 levels deep")

    @pytest.fixture
    def report(self, coding) -> dict:
        return json.loads(invoke("compare", coding, "--format", "json").stdout)

    @pytest.mark.parametrize(("change", "fragment"), [
        (lambda d: d["overall"]["shared_agreement"].update(value="0.9"), "'overall.shared_agreement.value' must be a number or null"),
        (lambda d: d["pairs"][0]["cohen_kappa"].update(value=True), "'pairs[0].cohen_kappa.value' must be a number"),
        (lambda d: d["overall"]["shared_agreement"].update(ci="wide"), "'overall.shared_agreement.ci' must be two numbers or null"),
        (lambda d: d.update(pairs={"a": 1}), "'pairs' must be a list"),
        (lambda d: d.update(pairs=["x"]), "'pairs[0]' must be an object"),
        (lambda d: d["pairs"][0].pop("coders"), "'pairs[0]' has no 'coders'"),
        (lambda d: d["pairs"][0].update(coders="ann"), "'pairs[0].coders' must be a list of names"),
        (lambda d: d.update(input=[]), "'input' must be an object"),
        (lambda d: d["input"].update(coders=[1, 2]), "'input.coders' must be a list of names"),
        (lambda d: d.update(settings={"reference": 3}), "'settings.reference' must be a coder's name or null"),
        (lambda d: d["overall"].update(at_least_k=[1]), "'overall.at_least_k' must be an object"),
        (lambda d: d.update(schema_version="9" * 5000), "has schema_version of another kind"),
    ])
    def test_a_baseline_of_the_wrong_shape(self, coding, tmp_path, report, change, fragment):
        change(report)
        baseline = tmp_path / "b.json"
        baseline.write_text(json.dumps(report), encoding="utf-8")
        refused(invoke("check", coding, "--baseline", baseline), fragment)

    @pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"overall": {"krippendorff_alpha": {"value": "0.5", "n_units": 9}}}', "9" * 5000])
    def test_a_hostile_pilot(self, tmp_path, text):
        pilot = tmp_path / "pilot.json"
        pilot.write_text(text, encoding="utf-8")
        refused(invoke("plan", "--from", pilot), "pilot.json" if text[0] != "{" else "is not as 'compare --format json' writes it")

    def test_a_baseline_with_a_5000_digit_number(self, coding, tmp_path):
        baseline = tmp_path / "b.json"
        baseline.write_text('{"schema_version": 1, "overall": {"jaccard": {"value": ' + "9" * 5000 + "}}}", encoding="utf-8")
        refused(invoke("check", coding, "--baseline", baseline), "b.json: not a valid JSON report")

    def test_diff_of_minimal_reports_without_input(self, tmp_path):
        old, new = tmp_path / "old.json", tmp_path / "new.json"
        old.write_text('{"schema_version": 1, "overall": {"jaccard": {"value": 0.5}}}', encoding="utf-8")
        new.write_text('{"schema_version": 1, "overall": {"jaccard": {"value": 0.75}}}', encoding="utf-8")
        result = invoke("diff", old, new, "--format", "json")
        assert result.exit_code == 0, result.output
        changes = json.loads(result.stdout)["changes"]
        assert [(c["figure"], c["before"], c["after"]) for c in changes] == [("jaccard", 0.5, 0.75)]

    @pytest.mark.parametrize("encoding", ["punycode", "idna", "rot13", "utf-7"])
    def test_odd_encodings(self, tmp_path, encoding):
        (tmp_path / "a.csv").write_text("unit,code\nU1,Caf\u00e9 x\nU2,b\n", encoding="utf-8")
        result = invoke("compare", tmp_path / "a.csv", other_coder(tmp_path), "--encoding", encoding)
        assert result.exit_code in (0, 2) and "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)

    def test_a_span_file_with_more_codes_than_the_limit(self, tmp_path, monkeypatch):
        import tracemalloc

        from reliability.limits import MAX_CODES

        spans = tmp_path / "spans.csv"
        rows = "".join(f"d,{i},{i + 1},c{i},{coder}\n" for i in range(MAX_CODES + 1) for coder in ("ann", "bob"))
        spans.write_text("document,start,end,code,coder\n" + rows, encoding="utf-8")
        tracemalloc.start()
        result = invoke("compare", spans, "--units", "segments")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        refused(result, f"more than the {MAX_CODES:,} allowed")
        assert peak < 500 * 1024 * 1024  # refused before the (units × coders × codes) table exists


# --- 5. silent wrongness ----------------------------------------------------------------------------------


class TestNothingSilentlyWrong:
    def test_unicode_forms_of_one_code_are_one_code(self, tmp_path):
        (tmp_path / "ann.csv").write_text("unit,code\nU1,Caf\u00e9\nU2,x\n", encoding="utf-8")
        (tmp_path / "bob.csv").write_text("unit,code\nU1,Cafe\u0301\nU2,x\n", encoding="utf-8")
        result = invoke("compare", tmp_path / "ann.csv", tmp_path / "bob.csv", "--format", "json")
        assert result.exit_code == 0
        doc = json.loads(result.stdout)
        assert doc["input"]["codes"] == ["Caf\u00e9", "x"]
        assert doc["overall"]["percent_agreement"]["value"] == 1.0  # hand: both units agree once é is one letter
        assert "in their Unicode form (composed to NFC) were taken as one: 'Cafe\\u0301' = 'Café'" in result.stderr

    def test_unicode_forms_of_one_coder_and_unit(self, tmp_path):
        path = tmp_path / "long.csv"
        path.write_text("unit,coder,code\nR\u00e9f1,Jos\u00e9,x\nRe\u0301f1,Jose\u0301,x\nRe\u0301f1,ann,x\n", encoding="utf-8")
        result = invoke("compare", path, "--format", "json")
        doc = json.loads(result.stdout)
        assert doc["input"]["coders"] == ["ann", "Jos\u00e9"] and doc["input"]["units"] == 1
        assert "coder names that differ" in result.stderr and "unit ids that differ" in result.stderr

    def test_unicode_forms_in_a_codebook_and_spans(self, tmp_path):
        spans = tmp_path / "spans.csv"
        spans.write_text("document,start,end,code,coder\nd,0,4,Caf\u00e9,ann\nd,0,4,Cafe\u0301,bob\n", encoding="utf-8")
        book = tmp_path / "book.csv"
        book.write_text("code,definition\nCafe\u0301,a place\n", encoding="utf-8")
        result = invoke("compare", spans, "--codebook", book, "--format", "json")
        doc = json.loads(result.stdout)
        assert doc["input"]["codes"] == ["Caf\u00e9"] and doc["overall"]["percent_agreement"]["value"] == 1.0
        assert "codes that differ only in their Unicode form (composed to NFC) were taken as one" in result.stderr

    @pytest.mark.parametrize("character", ["\u200b", "\u202e", "\u2066", "\ufeff", "\U000e0041"])
    def test_invisible_and_bidi_characters_are_shown_escaped(self, tmp_path, character):
        path = tmp_path / "coding.csv"
        path.write_text(f"unit,coder,code\nU1,ann,ev{character}il\nU1,bob,x\n", encoding="utf-8")
        for fmt in ("table", "markdown"):
            result = invoke("compare", path, "--format", fmt, "--disagreements")
            assert result.exit_code == 0, result.output
            if fmt == "table":
                assert character not in result.stdout
                assert f"ev\\u{ord(character):04x}il" in result.stdout or f"ev\\U{ord(character):08x}il" in result.stdout

    def test_mixed_delimiters_are_refused(self, tmp_path):
        path = tmp_path / "coding.csv"
        path.write_text("unit;code\nU1;a\nU2;b\nU3,a\nU4;a\nU5,b\n", encoding="utf-8")
        other = tmp_path / "b.csv"
        other.write_text("unit,code\nU1,a\n", encoding="utf-8")
        refused(invoke("compare", path, other), "coding.csv, row 4: 1 cell where the header has 2 columns", "delimiter ';'")
        path.write_text('unit;code;note\nU1;a;"x, y"\nU2,b\n', encoding="utf-8")  # quoted cells: the csv module counts
        refused(invoke("compare", path, other), "coding.csv, row 3: 1 cell where the header has 3 columns")

    def test_short_rows_are_found_whatever_the_line_ends_and_lines_before_the_header(self, tmp_path):
        # One count of delimiters clears a file of full rows; anything else is looked at line by line.
        from reliability.errors import InputError
        from reliability.readers.delimited import check_short_rows

        for ending in ("\n", "\r\n", "\r"):
            full = ending.join(["sep=;", "unit;code", "U1;a", "U2;", ""]).encode()
            check_short_rows(tmp_path / "a.csv", full, ";", 2, 1, rows=2)
            short = ending.join(["sep=;", "unit;code", "U1;a", "U2", "U3;b", ""]).encode()
            with pytest.raises(InputError, match="row 4: 1 cell"):
                check_short_rows(tmp_path / "a.csv", short, ";", 2, 1, rows=3)
            blank = ending.join(["unit;code", "U1;a", "", "U2;b", ""]).encode()
            check_short_rows(tmp_path / "a.csv", blank, ";", 2, 0, rows=3)

    def test_gb18030_is_not_taken_for_cp1252(self, tmp_path):
        codes = ["访谈记录", "医院管理", "患者体验", "护士沟通", "家属参与", "费用问题"]
        path = tmp_path / "a.csv"
        path.write_bytes(("unit,code\n" + "".join(f"U{i},{c}\n" for i, c in enumerate(codes))).encode("gb18030"))
        result = invoke("compare", path, other_coder(tmp_path))
        refused(result, "a.csv is not UTF-8", "--encoding gb18030")
        assert "cp1252" not in result.stderr

    def test_undetectable_bytes_get_no_guess(self, tmp_path):
        path = tmp_path / "a.csv"
        path.write_bytes(b"unit,code\nU1,\x81\x8d\x8f\x90\x9d\n")
        result = invoke("compare", path, other_coder(tmp_path))
        assert result.exit_code == 2 and "e.g. --encoding cp1252" not in result.stderr

    def test_entries_of_a_folder_that_cannot_be_read_are_listed(self, tmp_path, monkeypatch):
        folder = tmp_path / "coders"
        folder.mkdir()
        (folder / "ann.csv").write_text("unit,code\nU1,x\n", encoding="utf-8")
        (folder / "bob.csv").write_text("unit,code\nU1,x\n", encoding="utf-8")
        (folder / "gone.csv").symlink_to(folder / "nowhere.csv")
        (folder / "loop1.csv").symlink_to(folder / "loop2.csv")
        (folder / "loop2.csv").symlink_to(folder / "loop1.csv")
        os.mkfifo(folder / "pipe.csv")
        (folder / "locked.csv").write_text("unit,code\nU1,y\n", encoding="utf-8")
        real_open = files.os.open

        def locked(path, flags, *args):  # the suite may run as root, who reads everything
            if Path(path).name == "locked.csv":
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
            return real_open(path, flags, *args)

        monkeypatch.setattr(files.os, "open", locked)
        result = invoke("compare", folder, "--format", "json")
        assert result.exit_code == 0, result.output
        assert (
            "coders: skipped entries that cannot be read: gone.csv (a broken link), locked.csv (cannot be read "
            "(Permission denied)), loop1.csv (a link that leads round in a loop), loop2.csv (a link that leads round "
            "in a loop), pipe.csv (a pipe, device or socket, not a regular file)"
        ) in result.stderr
        assert json.loads(result.stdout)["input"]["coders"] == ["ann", "bob"]


class TestGateSettings:
    @pytest.mark.parametrize(("line", "fragment"), [
        ("max-drop = nan", "is not a number in the range 0.0<=x<=2.0"),
        ("max-drop = inf", "0.0<=x<=2.0"),
        ("max-drop = -0.1", "0.0<=x<=2.0"),
        ("max-drop-code = nan", "0.0<=x<=2.0"),
        ("confidence = nan", "0.5<=x<=0.999"),
        ("seed = -1", "x>=0"),
        ("min-overlap = nan", "0.0<x<=1.0"),
    ])
    def test_nan_and_out_of_range_settings(self, coding, tmp_path, line, fragment):
        config = tmp_path / "c.toml"
        config.write_text(f"{line}\n[min]\njaccard = 0.5\n", encoding="utf-8")
        refused(invoke("check", coding, "--config", config), fragment)

    def test_max_drop_nan_on_the_command_line(self, coding):
        result = invoke("check", coding, "--min", "jaccard=0.5", "--max-drop", "nan")
        assert result.exit_code == 2 and "is not a number in the range 0.0<=x<=2.0" in result.stderr

    @pytest.mark.parametrize(("minimum", "fragment"), [
        ("shared_agreement=70", "outside 0 to 1, the range of shared_agreement (a proportion) (did you mean 0.70?)"),
        ("at_least_2=101", "outside 0 to 1, the range of at_least_2 (a proportion)"),
        ("cohen_kappa=1.5", "outside -1 to 1, the range of cohen_kappa (a coefficient)"),
        ("krippendorff_alpha=-2", "outside -1 to 1"),
        ("jaccard=-0.5", "outside 0 to 1, the range of jaccard (a mean similarity)"),
        ("jaccard=nan", "must be a number"),
    ])
    def test_minimums_outside_the_figures_range(self, coding, minimum, fragment):
        refused(invoke("check", coding, "--min", minimum), fragment)

    def test_minimums_in_a_settings_file_are_checked_too(self, coding, tmp_path):
        config = tmp_path / "c.toml"
        config.write_text("[min-code]\npositive_agreement = 80\n", encoding="utf-8")
        refused(invoke("check", coding, "--config", config), "did you mean 0.80?")

    HOSTILE = [
        'q"uote\\',
        "] [min] shared_agreement = -1 #",
        'x = 1 # "',
        "bidi\u202e\u200b",
        "'''\"\"\"",
    ]

    def test_init_with_hostile_names_writes_inert_toml(self, tmp_path):
        path = tmp_path / "coding.csv"
        quoted = [name.replace('"', '""') for name in self.HOSTILE]
        rows = "".join(f'U{i},"{coder}",x\nU{i},bob,"{name}"\n' for i, (name, coder) in enumerate(zip(quoted, quoted)))
        path.write_text("unit,coder,code\n" + rows, encoding="utf-8")
        out = tmp_path / "reliability.toml"
        result = invoke("init", path, "-o", out, "--reference", "bob", "--code-sep", '"\n[min]\njaccard = -1')
        assert result.exit_code == 0, result.output
        settings = tomllib.loads(out.read_text(encoding="utf-8"))
        assert settings["min"] == {"krippendorff_alpha": 0.667}
        assert set(settings) == {"inputs", "reference", "code-sep", "min", "min-code"} and settings["min-code"] == {}
        assert settings["code-sep"] == '"\n[min]\njaccard = -1'
        assert "\u202e" not in out.read_text(encoding="utf-8")  # shown as \u202e in the comments

    def test_init_cannot_be_injected_through_names_with_line_breaks(self):
        """Readers refuse line breaks in names; should one get through, the comments still hold it."""
        from reliability.gate.config import starter_config

        name = "x\npositive_agreement = -1\n[min]\nshared_agreement = -1\r\u2028"
        figure = {"value": 0.5, "note": None}
        report = {
            "input": {"multi_label": False, "coders": [name, "b"]},
            "overall": {"percent_agreement": figure},
            "pairs": [{"coders": [name, "b"], "percent_agreement": figure}],
            "codes": [{"code": name, "positive_agreement": figure}],
        }
        settings = tomllib.loads(starter_config({"inputs": ["c"], "reference": name}, report))
        assert settings == {
            "inputs": ["c"], "reference": name, "min": {"krippendorff_alpha": 0.667}, "min-code": {},
        }

    def test_a_project_with_a_line_break_in_a_code_name_is_refused(self, tmp_path):
        path = tmp_path / "p.qde"
        path.write_text(
            project_xml("internal://t.txt").replace('name="x"', 'name="x&#10;positive_agreement = -1"'), encoding="utf-8"
        )
        refused(invoke("init", path, "-o", tmp_path / "r.toml"), "the code 'x\\npositive_agreement = -1' holds a line break")
        assert not (tmp_path / "r.toml").exists()

    def test_init_writes_hostile_coder_names_as_strings(self, tmp_path):
        path = tmp_path / "coding.csv"
        path.write_text('unit,coder,code\nU1,"a""]\n[min]",x\nU1,b\u202e,x\n', encoding="utf-8")
        out = tmp_path / "reliability.toml"
        result = invoke("init", path, "-o", out, "--reference", 'a"]\n[min]')
        if result.exit_code == 0:
            settings = tomllib.loads(out.read_text(encoding="utf-8"))
            assert settings["reference"] == 'a"]\n[min]' and settings["min"] == {"krippendorff_alpha": 0.667}
        else:
            assert result.exit_code == 2 and "Traceback" not in result.output
