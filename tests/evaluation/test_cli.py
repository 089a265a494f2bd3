import json

import pytest
import typer
from typer.testing import CliRunner

from adcraft.evaluation.cli import register_eval


@pytest.fixture(scope="module")
def app():
    app = typer.Typer()
    register_eval(app)
    return app


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory):
    from adcraft.diffusion.checkpoint import encoder_info, save_checkpoint
    from adcraft.diffusion.pipeline import TextToImagePipeline

    pipe = TextToImagePipeline.tiny_random(seed=0)
    return save_checkpoint(
        tmp_path_factory.mktemp("tiny"), pipe.unet, pipe.schedule, encoder_info(pipe.encoder)
    )


@pytest.fixture
def prompt_file(tmp_path):
    lines = [
        {"prompt": "Kids Red Bouncy Ball", "lang": "en", "concept": "c1", "color": "red"},
        {"prompt": "实木登山棍子", "lang": "zh", "concept": "c4", "color": None},
    ]
    path = tmp_path / "prompts.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    return path


def test_eval_prints_the_table_and_writes_results(
    app, tiny_checkpoint, trained_evaluator, shapes_dataset, prompt_file, tmp_path
):
    _, _, evaluator_dir = trained_evaluator
    out = tmp_path / "eval"
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "--model",
            str(tiny_checkpoint),
            "--prompts",
            str(prompt_file),
            "--seeds",
            "2",
            "--steps",
            "2",
            "--out",
            str(out),
            "--data",
            str(shapes_dataset),
            "--evaluator",
            str(evaluator_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "concept top-1 (zh)" in result.output and "random concept" in result.output
    summary = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert summary["prompts"] == 2 and summary["metrics"]["real"]["concept_top5_en"] == 1.0
    assert (out / "grid.png").is_file()


def test_eval_without_dataset_says_so(app, tiny_checkpoint, trained_evaluator, prompt_file, tmp_path):
    _, _, evaluator_dir = trained_evaluator
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "--model",
            str(tiny_checkpoint),
            "--prompts",
            str(prompt_file),
            "--seeds",
            "2",
            "--steps",
            "1",
            "--out",
            str(tmp_path / "o"),
            "--data",
            str(tmp_path / "missing"),
            "--evaluator",
            str(evaluator_dir),
            "--limit",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "no dataset" in result.output
    assert json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))["prompts"] == 1


def test_evaluator_train_then_nearest(app, shapes_dataset, tmp_path):
    out = tmp_path / "ev"
    result = CliRunner().invoke(
        app,
        [
            "evaluator",
            "train",
            "--data",
            str(shapes_dataset),
            "--out",
            str(out),
            "--epochs",
            "2",
            "--max-seconds",
            "30",
        ],
    )
    assert result.exit_code == 0, result.output
    report, _ = json.JSONDecoder().raw_decode(
        result.output[result.output.index("{") :]
    )  # a torch warning may follow
    assert report["concepts"] == 4 and report["heldout_images"] == 3
    assert (out / "concept_embeddings.safetensors").is_file()
    result = CliRunner().invoke(
        app, ["evaluator", "nearest", "红色的球", "--k", "2", "--evaluator", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and lines[0].endswith("ball / 球")
