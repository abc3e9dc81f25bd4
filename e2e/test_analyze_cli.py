"""`samen analyze` end to end: the built binary on CSV files, as a researcher runs it.

Reference values: shared/reference/stats-cases.json (50-digit mpmath) and,
for the hard data, mpmath at 60 digits from the decimal inputs.
"""
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = os.environ.get("SAMEN_BIN", str(ROOT / ".build" / "debug" / "samen"))
REFERENCE = json.loads((ROOT.parent / "shared" / "reference" / "stats-cases.json").read_text())


def case(case_id):
    return next(c for c in REFERENCE["cases"] if c["id"] == case_id)


def run(*args, lang="nl"):
    env = dict(os.environ, SAMEN_LANG=lang)
    return subprocess.run([BIN, "analyze", *map(str, args)], capture_output=True, text=True, env=env, timeout=120)


def analyze_json(*args):
    result = run(*args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def close(value, expected, rel=1e-12):
    assert value == pytest.approx(expected, rel=rel, abs=1e-15)


@pytest.fixture
def likert(tmp_path):
    groups = case("likert_anova_oneway")["input"]["groups"]
    path = tmp_path / "likert.csv"
    path.write_text("role,score\n" + "".join(f"{g},{v}\n" for g, values in groups.items() for v in values))
    return path


def test_anova_json_matches_reference(likert):
    expected = case("likert_anova_oneway")["expected"]
    out = analyze_json("anova", likert, "--group", "role", "--value", "score")
    for key, ref in [("ss_between", "ss_between"), ("ss_within", "ss_within"), ("ms_between", "ms_between"),
                     ("ms_within", "ms_within"), ("f", "F"), ("eta_squared", "eta_squared"), ("omega_squared", "omega_squared")]:
        close(out[key], expected[ref])
    close(out["p"], expected["p_value"], 1e-10)
    assert (out["df_between"], out["df_within"]) == (2, 18)
    assert [g["group"] for g in out["groups"]] == ["teachers", "youth_care_workers", "school_leaders"]


def test_table_output_reads_as_apa(likert):
    result = run("anova", likert, "--group", "role", "--value", "score")
    assert result.returncode == 0
    assert "F(2, 18) = 6.22, p = .009, η² = .41" in result.stdout
    assert "Tussen groepen" in result.stdout
    assert "Between groups" in run("anova", likert, "--group", "role", "--value", "score", lang="en").stdout


def test_every_group_test(likert):
    ref = case("likert_welch_anova")["expected"]
    welch = analyze_json("welch", likert, "--group", "role", "--value", "score")
    close(welch["f"], ref["F"]); close(welch["df2"], ref["df2"]); close(welch["p"], ref["p_value"], 1e-10)
    for center, case_id in [("mean", "likert_levene_mean"), ("median", "likert_levene_median")]:
        out = analyze_json("levene", likert, "--group", "role", "--value", "score", "--center", center)
        close(out["w"], case(case_id)["expected"]["W"]); close(out["p"], case(case_id)["expected"]["p_value"], 1e-10)
    kw = analyze_json("kruskal", likert, "--group", "role", "--value", "score")
    close(kw["h"], case("likert_kruskal")["expected"]["H"]); assert kw["df"] == 2
    posthoc = case("likert_posthoc")["expected"]
    for method, key, pkey, rel in [("tukey", "tukey_hsd", "p_value", 1e-7), ("games-howell", "games_howell", "p_value", 1e-7),
                                   ("bonferroni", "bonferroni_pooled", "p_bonferroni", 1e-10)]:
        out = analyze_json("posthoc", likert, "--group", "role", "--value", "score", "--method", method)
        assert [(c["a"], c["b"]) for c in out["comparisons"]] == [(p["a"], p["b"]) for p in posthoc[key]["pairs"]]
        for got, want in zip(out["comparisons"], posthoc[key]["pairs"]):
            close(got["diff"], want["mean_diff"]); close(got["p"], want[pkey], rel)
    holm = analyze_json("posthoc", likert, "--group", "role", "--value", "score", "--method", "holm")
    assert all(c["p"] >= c["p_unadjusted"] for c in holm["comparisons"])


def test_two_sample_tests(tmp_path):
    c = case("sleep_ttest_independent")
    path = tmp_path / "sleep.csv"
    rows = [("drug1", v) for v in c["input"]["group1"]] + [("drug2", v) for v in c["input"]["group2"]]
    path.write_text("drug;extra\n" + "".join(f"{g};{str(v).replace('.', ',')}\n" for g, v in rows))
    welch = analyze_json("ttest", path, "--group", "drug", "--value", "extra")
    assert welch["type"] == "welch"
    close(welch["t"], c["expected"]["welch"]["t"]); close(welch["df"], c["expected"]["welch"]["df"])
    close(welch["p"], c["expected"]["welch"]["p_value"], 1e-10)
    close(welch["cohen_d"], c["expected"]["effect_sizes"]["cohens_d_pooled"])
    student = analyze_json("ttest", path, "--group", "drug", "--value", "extra", "--student")
    close(student["p"], c["expected"]["student"]["p_value"], 1e-10)
    mw = analyze_json("mannwhitney", path, "--group", "drug", "--value", "extra")
    assert set(mw) >= {"u", "p"} and 0 < mw["p"] < 1

    paired = case("sleep_ttest_paired")
    wide = tmp_path / "paired.csv"
    wide.write_text("t0,t1\n" + "".join(f"{a},{b}\n" for a, b in zip(paired["input"]["pre"], paired["input"]["post"])))
    out = analyze_json("ttest", wide, "--paired", "--before", "t0", "--after", "t1")
    close(out["t"], paired["expected"]["t"]); close(out["p"], paired["expected"]["p_value"], 1e-10)
    close(out["cohen_d"], paired["expected"]["effect_sizes"]["cohens_dz"])
    wx = analyze_json("wilcoxon", wide, "--before", "t0", "--after", "t1")
    assert set(wx) >= {"w", "p"} and 0 < wx["p"] < 0.05


def test_alpha_and_chisq(tmp_path):
    c = case("likert4_cronbach_alpha_unreversed")
    items = tmp_path / "items.csv"
    items.write_text("q1,q2,q3,q4\n" + "".join(",".join(map(str, r)) + "\n" for r in c["input"]["matrix_rows_are_subjects"]))
    out = analyze_json("alpha", items, "--items", "q1,q2,q3,q4", "--reverse", "q4", "--scale-min", 1, "--scale-max", 5)
    close(out["alpha"], case("likert4_cronbach_alpha_reversed")["expected"]["alpha"])
    table = case("agresti_party_gender_chi2")
    cross = tmp_path / "cross.csv"
    lines = ["gender,party"]
    for r, row in enumerate(table["input"]["table"]):
        for k, count in enumerate(row):
            lines += [f"{table['input']['rows'][r]},{table['input']['cols'][k]}"] * count
    cross.write_text("\n".join(lines) + "\n")
    out = analyze_json("chisq", cross, "--rows", "gender", "--cols", "party")
    close(out["chi2"], table["expected"]["pearson_chi2"]); close(out["cramers_v"], table["expected"]["cramers_v"])
    close(out["p"], table["expected"]["p_value"], 1e-10); assert out["df"] == 2


def test_hard_data_keeps_its_digits(tmp_path):
    groups = [["1000000000000.4", "1000000000000.5", "1000000000000.3", "1000000000000.4", "1000000000000.6"],
              ["1000000000000.5", "1000000000000.6", "1000000000000.7", "1000000000000.5"],
              ["1000000000000.3", "1000000000000.2", "1000000000000.4", "1000000000000.3", "1000000000000.2", "1000000000000.4"]]
    path = tmp_path / "hard.csv"
    path.write_text("g,x\n" + "".join(f"G{i},{v}\n" for i, vs in enumerate(groups) for v in vs))
    out = analyze_json("anova", path, "--group", "g", "--value", "x")
    close(out["f"], 9.263598326359833, 1e-9); close(out["p"], 0.003689486537990636, 1e-9)
    close(out["ss_within"], 0.1195, 1e-9)


@pytest.mark.parametrize("content,args,needle", [
    ("role,score\nPO,3\n", ["--group", "role", "--value", "nope"], "nope"),
    ("role,score\nPO,3\nPO,4\nVO,drie\nVO,2\n", ["--group", "role", "--value", "score"], "4"),
    ("g,x\na,1\na,1\nb,2\nb,2\n", ["--group", "g", "--value", "x"], "groep"),
    ("role,score\nPO,3\n", ["--group", "role"], "--value"),
    ("role,score\nPO,3\n", ["--group", "role", "--value", "score", "--bogus"], "--bogus"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, content, args, needle):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    result = run("anova", path, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr


def test_unreadable_file_and_unknown_test(tmp_path):
    result = run("anova", tmp_path / "missing.csv", "--group", "g", "--value", "x")
    assert result.returncode == 2 and "missing.csv" in result.stderr
    result = run("regression", tmp_path / "missing.csv")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_random_files_never_crash(tmp_path):
    """Garbage in: every run ends with exit 0 and valid output, or exit 2 and one line."""
    import random
    rng = random.Random(42)
    pieces = ['a', 'b', '1', '2', '3.5', '-1', '1e5', '1e400', '"', '""', ',', ';', '\n', '\r\n', ' ', 'NA', '.', 'x,y',
              'é', '0', '-0', '1,5', '9' * 30, '\t']
    tests = [["describe", "--value", "x", "--group", "g"], ["anova", "--group", "g", "--value", "x"],
             ["welch", "--group", "g", "--value", "x"], ["kruskal", "--group", "g", "--value", "x"],
             ["levene", "--group", "g", "--value", "x", "--center", "median"],
             ["posthoc", "--group", "g", "--value", "x", "--method", "games-howell"],
             ["ttest", "--group", "g", "--value", "x"], ["ttest", "--paired", "--before", "x", "--after", "y"],
             ["mannwhitney", "--group", "g", "--value", "x"], ["wilcoxon", "--before", "x", "--after", "y"],
             ["alpha", "--items", "x,y", "--reverse", "y"], ["chisq", "--rows", "g", "--cols", "y"]]
    path = tmp_path / "fuzz.csv"
    for _ in range(120):
        header = rng.choice(["g,x,y\n", "g;x;y\n", "x,g,y\r\n", "\ufeffg,x,y\n", ""])
        if rng.random() < 0.5:
            body = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 120)))
        else:
            body = "".join(f"{rng.choice('abc')},{rng.choice(['1', '2', '3', '4.5', '', 'NA', '7'])},{rng.choice('125')}\n"
                           for _ in range(rng.randint(0, 12)))
        path.write_text(header + body, encoding="utf-8")
        test = rng.choice(tests)
        result = run(test[0], path, *test[1:], "--format", "json")
        assert result.returncode in (0, 2), (result.returncode, test, header + body)
        if result.returncode == 0:
            json.loads(result.stdout)
        else:
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr
