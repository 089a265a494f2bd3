"""CLI: `adcraft check-copy` prints each hit with article, span and rewrite; bad options exit 2."""

from __future__ import annotations

import json

from helpers import run_cli


def test_check_copy_prints_article_span_and_rewrite_and_exits_1_when_blocked(capsys):
    code, out, _ = run_cli(["check-copy", "NO.1人气单品，頂級品質"], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("block\tart. 9(3)\t[0:4] 'NO.1'")
    assert "[9:11] '頂級' -> '高品质'" in lines[1]
    assert lines[-2].startswith("blocked (general): 2 hit(s)")
    assert lines[-1] == "rewrite: 人气单品，高品质品質"


def test_check_copy_is_clean_for_exempt_usage_and_uses_the_category(capsys):
    assert run_cli(["check-copy", "最好冷藏保存"], capsys)[:2] == (0, "ok (general): 0 hit(s)\n")
    assert run_cli(["check-copy", "用于治疗感冒引起的头痛"], capsys)[0] == 1
    assert run_cli(["check-copy", "用于治疗感冒引起的头痛", "--category", "drug"], capsys)[0] == 0


def test_check_copy_json_and_allowed_names(capsys):
    code, out, _ = run_cli(["check-copy", "第一坊月饼", "--allow", "第一坊", "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["hits"] == [] and data["exempted"][0].startswith("第一@0")


def test_check_copy_bad_options_are_one_line_errors_with_exit_2(capsys):
    code, _, err = run_cli(["check-copy", "x", "--category", "medicine"], capsys)
    assert code == 2 and err.startswith("error: category 'medicine' must be one of")
    code, _, err = run_cli(["check-copy", "x", "--lang", "fr"], capsys)
    assert code == 2 and "lang 'fr' must be one of" in err
