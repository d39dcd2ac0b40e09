"""invoke normalize: fixable spellings rewritten canonically, rows sorted, nothing else."""

from __future__ import annotations

from scripts import normalize, validate
from tests.registry_files import read_rows, write_rows, write_sample


def test_normalize_fixes_what_validate_reports_and_nothing_else(tmp_path, capsys):
    registry, history = write_sample(tmp_path)
    canonical = registry.read_bytes(), history.read_bytes()
    rows = read_rows(registry)
    rows[0]["occupations"] = rows[0]["occupations"].replace(":", "：").replace(";", " ；") + " "
    rows[1]["address"] = "  " + rows[1]["address"]
    rows[2], rows[3] = rows[3], rows[2]
    write_rows(registry, rows)
    assert validate.main(["--registry", str(registry), "--history", str(history), "--date", "2026-11-27"]) == 1

    assert normalize.main(["--registry", str(registry), "--history", str(history)]) == 0
    out = capsys.readouterr().out
    assert "已规范化 registry.csv：改正 2 行" in out
    assert (registry.read_bytes(), history.read_bytes()) == canonical
    assert normalize.main(["--registry", str(registry), "--history", str(history)]) == 0
    assert "无需修改" in capsys.readouterr().out


def test_normalize_refuses_structural_errors_and_leaves_files_alone(tmp_path, capsys):
    registry, history = write_sample(tmp_path)
    registry.write_bytes(registry.read_bytes() + b"one,two\n")
    before = registry.read_bytes(), history.read_bytes()
    assert normalize.main(["--registry", str(registry), "--history", str(history)]) == 1
    assert "无法自动改正" in capsys.readouterr().out
    assert (registry.read_bytes(), history.read_bytes()) == before
