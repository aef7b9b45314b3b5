"""Settings files: where they are found, their shape, types, and the starter file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from reliability.gate.config import Config, build_gate, find_config, load_config, option_value, starter_config, toml_value
from reliability.errors import InputError, UsageError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


class TestFind:
    def test_reliability_toml_in_the_folder(self, tmp_path):
        write(tmp_path / "reliability.toml", 'reference = "lead"\n')
        config, notices = find_config(None, tmp_path)
        assert (config.options, config.in_pyproject, notices) == ({"reference": "lead"}, False, [])

    def test_pyproject_table(self, tmp_path):
        write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.reliability]\nreference = "lead"\n\n[tool.reliability.min]\njaccard = 0.5\n')
        config, _ = find_config(None, tmp_path)
        assert (config.options, config.minimum, config.in_pyproject) == ({"reference": "lead"}, (("jaccard", 0.5),), True)
        assert config.label.endswith("pyproject.toml [tool.reliability]")

    def test_pyproject_without_table_is_no_configuration(self, tmp_path):
        write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
        assert find_config(None, tmp_path) == (None, [])

    def test_reliability_toml_wins_over_pyproject_with_a_notice(self, tmp_path):
        write(tmp_path / "pyproject.toml", '[tool.reliability]\nreference = "KO"\n')
        write(tmp_path / "reliability.toml", 'reference = "lead"\n')
        config, notices = find_config(None, tmp_path)
        assert config.options == {"reference": "lead"}
        assert notices == [f"using {tmp_path / 'reliability.toml'}; the [tool.reliability] table of {tmp_path / 'pyproject.toml'} is ignored"]

    def test_named_file_is_read_at_top_level(self, tmp_path):
        named = write(tmp_path / "gate.toml", "seed = 3\n")
        config, _ = find_config(named, Path("/nonexistent"))
        assert config.options == {"seed": 3}

    def test_named_pyproject_needs_the_table(self, tmp_path):
        named = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
        with pytest.raises(UsageError, match=r"pyproject.toml has no \[tool.reliability\] table; add one, or name a reliability.toml"):
            find_config(named)

    def test_tool_reliability_must_be_a_table(self, tmp_path):
        write(tmp_path / "pyproject.toml", "[tool]\nreliability = 1\n")
        with pytest.raises(UsageError, match=r"pyproject.toml: tool.reliability must be a table: write \[tool.reliability\] above its keys"):
            find_config(None, tmp_path)

    def test_named_file_missing(self, tmp_path):
        with pytest.raises(InputError, match=r"nope.toml: no such file; check the path given to --config"):
            find_config(tmp_path / "nope.toml")

    def test_invalid_toml_names_the_line(self, tmp_path):
        write(tmp_path / "reliability.toml", 'inputs = ["coders"\n')
        with pytest.raises(InputError, match=r"reliability.toml: not valid TOML \(.*\); fix the line it names"):
            find_config(None, tmp_path)

    def test_nothing_there(self, tmp_path):
        assert find_config(None, tmp_path) == (None, [])


class TestShape:
    def test_keys_take_dashes_or_underscores(self, tmp_path):
        config = load_config(write(tmp_path / "r.toml", "max_drop = 0.1\ncode-col = \"codes\"\n"))
        assert config.options == {"max-drop": 0.1, "code-col": "codes"}

    def test_same_key_twice(self, tmp_path):
        with pytest.raises(UsageError, match=r"key 'max-drop' is set twice \(as max-drop and max_drop\); keep one"):
            load_config(write(tmp_path / "r.toml", "max_drop = 0.1\nmax-drop = 0.2\n"))

    def test_threshold_tables_and_per_code_overrides(self, tmp_path):
        config = load_config(write(tmp_path / "r.toml", (
            "[min]\nshared_agreement = 0.7\npairs.cohen_kappa = 0.6\n\n"
            "[min-code]\npositive_agreement = 0.5\n\n"
            '[min-code."Pay and conditions"]\npositive_agreement = 0.3\npairs.cohen_kappa = 0\n'
        )))
        assert config.minimum == (("shared_agreement", 0.7), ("pairs.cohen_kappa", 0.6))
        assert config.code_minimum == (("positive_agreement", 0.5),)
        assert config.code_overrides == {"Pay and conditions": (("positive_agreement", 0.3), ("pairs.cohen_kappa", 0.0))}

    def test_min_must_be_a_table(self, tmp_path):
        with pytest.raises(UsageError, match=r"key 'min' must be a table of figure = minimum, e.g. \[min\] then shared_agreement = 0.7"):
            load_config(write(tmp_path / "r.toml", "min = 0.7\n"))

    def test_min_code_must_be_a_table(self, tmp_path):
        with pytest.raises(UsageError, match=r"key 'min-code' must be a table of figure = minimum, e.g. \[min-code\]"):
            load_config(write(tmp_path / "r.toml", 'min-code = "high"\n'))

    def test_in_pyproject_the_table_is_named_in_full(self, tmp_path):
        with pytest.raises(UsageError, match=r"e.g. \[tool.reliability.min\]"):
            load_config(write(tmp_path / "pyproject.toml", "[tool.reliability]\nmin = 0.7\n"))

    def test_minimum_must_be_a_number(self, tmp_path):
        with pytest.raises(UsageError, match=r"key 'min.jaccard' must be a number \(a minimum such as 0.7\), not \"high\""):
            load_config(write(tmp_path / "r.toml", '[min]\njaccard = "high"\n'))

    def test_per_code_minimum_must_be_a_number(self, tmp_path):
        with pytest.raises(UsageError, match=r"""key 'min-code."cost".fleiss_kappa' must be a number"""):
            load_config(write(tmp_path / "r.toml", '[min-code.cost]\nfleiss_kappa = true\n'))


class TestOptionValue:
    CONFIG = Config(Path("project/reliability.toml"))

    def test_paths_are_relative_to_the_file(self):
        assert option_value(self.CONFIG, "inputs", ["coders", "/data/x.csv"], "path", many=True) == ["project/coders", "/data/x.csv"]

    def test_single_value_for_a_list(self):
        assert option_value(self.CONFIG, "inputs", "coders", "path", many=True) == ["project/coders"]

    def test_number_for_float(self):
        assert option_value(self.CONFIG, "max-drop", 0, "float", many=False) == 0

    @pytest.mark.parametrize(("key", "value", "kind", "many", "message"), [
        ("ci", "yes", "flag", False, "key 'ci' must be true or false, not \"yes\""),
        ("seed", 1.5, "int", False, "key 'seed' must be a whole number, not 1.5"),
        ("seed", True, "int", False, "key 'seed' must be a whole number, not true"),
        ("max-drop", "0.1", "float", False, "key 'max-drop' must be a number, not \"0.1\""),
        ("reference", ["a"], "text", False, "key 'reference' must be text in quotes, not a list"),
        ("inputs", [1], "path", True, "key 'inputs' must be a path in quotes, or a list of them, not 1"),
    ])
    def test_wrong_type_names_the_key(self, key, value, kind, many, message):
        with pytest.raises(UsageError, match="^project/reliability.toml, " + message.replace("(", r"\(").replace(")", r"\)") + "$"):
            option_value(self.CONFIG, key, value, kind, many)


class TestBuildGate:
    def test_command_line_replaces_the_file_per_figure(self, tmp_path):
        config = load_config(write(tmp_path / "r.toml", "[min]\nshared_agreement = 0.7\ncohen_kappa = 0.6\n"))
        gate = build_gate(config, ["cohen_kappa=0.4"], [], False, None, 0.05)
        assert gate.minimum == {
            ("overall", "shared_agreement"): 0.7,
            ("pairs", "shared_agreement"): 0.7,
            ("pairs", "cohen_kappa"): 0.4,
        }

    def test_unknown_figure_in_the_file_names_the_table(self, tmp_path):
        config = load_config(write(tmp_path / "r.toml", "[min-code]\nkapa = 0.7\n"))
        with pytest.raises(UsageError, match=r"r.toml \[min-code\]: unknown figure 'kapa'"):
            build_gate(config, [], [], False, None, 0.05)

    def test_unknown_figure_in_a_code_table(self, tmp_path):
        config = load_config(write(tmp_path / "r.toml", '[min-code."cost"]\nkapa = 0.7\n'))
        with pytest.raises(UsageError, match=r"""r.toml \[min-code."cost"\]: unknown figure 'kapa'"""):
            build_gate(config, [], [], False, None, 0.05)

    def test_no_settings_no_options_is_empty(self):
        assert build_gate(None, [], [], False, None, 0.05).empty


REPORT = {
    "input": {"coders": ["ann", "bob"], "multi_label": True},
    "overall": {"percent_agreement": {"value": 0.75}, "krippendorff_alpha_masi": {"value": 0.5}},
    "pairs": [{"coders": ["ann", "bob"], "percent_agreement": {"value": 0.75}, "cohen_kappa": {"value": None}}],
    "codes": [
        {"code": "x", "positive_agreement": {"value": 0.9}, "fleiss_kappa": {"value": None}},
        {"code": 'say "y"', "positive_agreement": {"value": 0.4}, "fleiss_kappa": {"value": None}},
    ],
}


class TestStarter:
    def test_is_valid_toml_with_the_settings_and_one_minimum(self):
        text = starter_config({"inputs": ["coders"], "reference": "ann"}, REPORT)
        document = tomllib.loads(text)
        assert document == {"inputs": ["coders"], "reference": "ann", "min": {"krippendorff_alpha_masi": 0.667}, "min-code": {}}

    def test_shows_current_values_beside_proposals(self):
        text = starter_config({"inputs": ["coders"]}, REPORT)
        assert "# percent_agreement = 0.8  # now 0.750 all coders, 0.750 lowest pair (ann–bob)" in text
        assert "# cohen_kappa = 0.6  # now n/a for every pair" in text
        assert "# positive_agreement = 0.8  # now 0.400 lowest code (say \"y\")" in text
        assert "# fleiss_kappa = 0.6  # now n/a for every code" in text
        assert '# [min-code."x"]' in text

    def test_set_options_are_not_proposed_again(self):
        text = starter_config({"inputs": ["c"], "reference": "ann"}, REPORT)
        assert "# reference" not in text
        assert '# reference = "ann"' in starter_config({"inputs": ["c"]}, REPORT)

    def test_single_label_data_gets_nominal_alpha(self):
        report = {**REPORT, "input": {"coders": ["ann", "bob"], "multi_label": False}}
        assert tomllib.loads(starter_config({"inputs": ["c"]}, report))["min"] == {"krippendorff_alpha": 0.667}

    def test_loads_back_as_a_gate(self, tmp_path):
        path = write(tmp_path / "reliability.toml", starter_config({"inputs": ["c"], "max-drop": 0.1}, REPORT))
        config = load_config(path)
        assert config.options == {"inputs": ["c"], "max-drop": 0.1}
        assert build_gate(config, [], [], False, None, 0.05).minimum == {("overall", "krippendorff_alpha_masi"): 0.667}


@pytest.mark.parametrize(("value", "text"), [
    ("a\nb\t\"c\"\\", '"a\\nb\\t\\"c\\"\\\\"'),
    ("Ünïcode – ok", '"Ünïcode – ok"'),
    (["x", 1, 0.5, False], '["x", 1, 0.5, false]'),
])
def test_toml_value_round_trips(value, text):
    assert toml_value(value) == text
    assert tomllib.loads(f"v = {text}")["v"] == value


def test_toml_value_refuses_other_types():
    with pytest.raises(TypeError, match="cannot write dict as TOML"):
        toml_value({})
