"""Every CLI command's usage errors: exit code 2 and one line on stderr, never a traceback."""

from __future__ import annotations

import pytest
import typer

from adcraft.cli import _register_commands, app, main


def leaf_commands():
    """(argv prefix, click command) for every command, groups walked."""
    _register_commands()
    root = typer.main.get_command(app)

    def walk(command, path):
        if hasattr(command, "commands"):
            for name, sub in sorted(command.commands.items()):
                yield from walk(sub, [*path, name])
        else:
            yield path, command

    return list(walk(root, []))


COMMANDS = leaf_commands()
IDS = [" ".join(path) for path, _ in COMMANDS]


def run(capsys, argv):
    """Exit code and stderr lines of `adcraft argv`."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    err = capsys.readouterr().err
    return info.value.code, [line for line in err.splitlines() if line.strip()]


def filled(command, skip=None):
    """Arguments that satisfy every required parameter except `skip`."""
    argv = []
    for param in command.params:
        if not param.required or param is skip:
            continue
        value = "1" if param.bare_type() in (int, float) else "x"
        argv += [value] if param.param_type_name == "argument" else [param.opts[0], value]
    return argv


def test_every_command_is_covered():
    assert len(COMMANDS) >= 15 and ["generate"] in [p for p, _ in COMMANDS]


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_unknown_option_is_one_line_exit_2(capsys, path, command):
    code, lines = run(capsys, [*path, "--no-such-option"])
    assert code == 2 and len(lines) == 1, lines
    assert lines[0].startswith(f"error: adcraft {' '.join(path)}: No such option: --no-such-option")


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_non_numbers_for_numeric_options_are_one_line_exit_2(capsys, path, command):
    numeric = [p for p in command.params if p.param_type_name == "option" and p.bare_type() in (int, float)]
    for param in numeric:
        code, lines = run(capsys, [*path, *filled(command, param), param.opts[0], "twelve"])
        assert code == 2 and len(lines) == 1, (param.name, lines)
        assert f"Invalid value for '{param.opts[0]}'" in lines[0]


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_missing_required_parameters_are_one_line_exit_2(capsys, path, command):
    for param in [p for p in command.params if p.required]:
        code, lines = run(capsys, [*path, *filled(command, param)])
        assert code == 2 and len(lines) == 1, (param.name, lines)
        assert "Missing" in lines[0]


@pytest.mark.parametrize(
    "argv",
    [
        ["no-such-command"],
        ["batch", "c.csv", "--out", "o", "--workers", "0"],
        ["batch", "c.csv", "--out", "o", "--steps", "999"],
        ["serve", "--port", "70000"],
        ["generate", "T", "--allow-warnings=maybe"],
        ["data", "import", "--images"],
    ],
)
def test_other_usage_errors_are_one_line_exit_2(capsys, argv):
    code, lines = run(capsys, argv)
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), lines


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["generate", "T", "--seed", "-1"], "seed -1 must be a whole number from 0 to 2147483647"),
        (["generate", "T", "--seed", str(2**64)], f"seed {2**64} must be a whole number"),
        (["sample", "red", "--seed", str(2**63)], f"seed {2**63} must be a whole number"),
        (["batch", "c.csv", "--out", "o", "--seed", "-1"], "seed -1 must be a whole number"),
        (["generate", "T", "--price", "19,99"], "price '19,99' is not a number as CNY prices are written"),
        (
            ["generate", "T", "--price", "$19.99"],
            "price '$19.99' is in USD or HKD ($) but the currency is CNY",
        ),
        (["generate", "T", "--price", "1,2,3", "--currency", "USD"], "price '1,2,3' is not a number as USD"),
        (["generate", "T", "--currency", "NO"], "currency 'NO' must be one of"),
        (["generate", "T", "--placements", "5x5"], "placement '5x5' width 5 px is outside"),
        (["generate", "T", "--audience", "nobody"], "unknown segment 'nobody'"),
        (["generate", "T", "--format", "gif"], "format 'gif' must be one of"),
        (["generate", "Dress\x07"], "title has the control character U+0007"),
        (["batch", "c.csv", "--out", "o", "--placements", "5x5"], "placement '5x5' width 5 px"),
        (["batch", "c.csv", "--out", "o", "--audiences", "nobody"], "unknown segment 'nobody'"),
    ],
)
def test_bad_values_are_one_line_exit_2_before_any_model_loads(capsys, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.csv").write_text("title\nMug\n", encoding="utf-8")
    code, lines = run(capsys, argv)
    assert code == 2 and len(lines) == 1 and lines[0].startswith(f"error: {message}"), lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv"]  # nothing written


def test_out_at_a_file_or_under_one_is_one_line_exit_2(capsys, tmp_path):
    (tmp_path / "file").write_text("x")
    for out in (tmp_path / "file", tmp_path / "file" / "sub"):
        code, lines = run(capsys, ["generate", "T", "--out", str(out)])
        assert code == 2 and len(lines) == 1 and "--out" in lines[0], lines


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ADCRAFT_WORKERS": "many"}, "ADCRAFT_WORKERS='many': Input should be a valid integer"),
        ({"ADCRAFT_QUEUE_SIZE": "-5"}, "ADCRAFT_QUEUE_SIZE='-5': Input should be greater than or equal to 0"),
        ({"ADCRAFT_MODEL": "/no/such/model"}, "checkpoint '/no/such/model' not found"),
        ({"ADCRAFT_DATA_DIR": "FILE"}, "cannot be used as a folder"),
    ],
)
def test_serve_refuses_bad_environment_in_one_line(capsys, tmp_path, monkeypatch, env, message):
    (tmp_path / "file").write_text("x")
    for key, value in env.items():
        monkeypatch.setenv(key, str(tmp_path / "file") if value == "FILE" else value)
    code, lines = run(capsys, ["serve"])
    assert code == 2 and len(lines) == 1 and message in lines[0], lines


def test_checkpoint_config_with_wrong_types_is_one_line(capsys, tmp_path):
    ckpt = tmp_path / "ckpt"
    ckpt.mkdir()
    (ckpt / "config.json").write_text(
        '{"format": "adcraft-unet/1", "unet": {"channels": "abc"}, "schedule": {}}', encoding="utf-8"
    )
    code, lines = run(capsys, ["serve", "--model", str(ckpt)])
    assert code == 2 and len(lines) == 1 and "unet.channels must be a list, got 'abc'" in lines[0], lines


def test_train_config_saved_as_gbk_with_wrong_types_is_one_line(capsys, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_bytes("# 训练配置 小模型\nsteps: 很多\n".encode("gbk"))
    code, lines = run(capsys, ["train", "--config", str(config)])
    assert code == 2 and len(lines) == 1 and "steps must be an integer, got '很多'" in lines[0], lines
