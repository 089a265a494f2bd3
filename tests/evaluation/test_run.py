import json
from pathlib import Path

import numpy as np
import pytest

from adcraft.data.dataset import read_dataset
from adcraft.errors import InvalidInputError
from adcraft.evaluation.prompts import EvalPrompt
from adcraft.evaluation.report import sample_grid, table_rows, write_results
from adcraft.evaluation.run import (
    EvalConfig,
    real_views,
    reference_conditions,
    reference_record,
    run_eval,
    score_run,
)

PROMPTS = [
    EvalPrompt("Kids Red Bouncy Ball", "en", "c1", "red"),
    EvalPrompt("蓝色收纳盒子大号", "zh", "c2", "blue"),
    EvalPrompt("Outdoor Camping Tent 2 Person", "en", "c3", None),
    EvalPrompt("实木登山棍子", "zh", "c4", None),
]


@pytest.fixture(scope="module")
def pipe():
    from adcraft.diffusion.pipeline import TextToImagePipeline
    from adcraft.text.grounding import Vocabulary, VocabularyEntry

    pipe = TextToImagePipeline.tiny_random(seed=0)
    # "tent" is deliberately filed under the wrong concept: grounding's accuracy is reported, not assumed
    pipe.vocabulary = Vocabulary(
        [
            VocabularyEntry("c1", "球", "ball"),
            VocabularyEntry("c2", "盒子", "box"),
            VocabularyEntry("c4", "帐篷", "tent"),
        ]
    )
    return pipe


@pytest.fixture(scope="module")
def result(pipe, trained_evaluator, shapes_dataset):
    evaluator, _, _ = trained_evaluator
    return run_eval(pipe, evaluator, PROMPTS, EvalConfig(seeds=2, steps=2, batch_size=8), data=shapes_dataset)


def test_run_generates_seeds_per_prompt(result):
    assert len(result.images) == 4 and all(len(row) == 2 for row in result.images)
    size = result.images[0][0].size
    assert result.images[0][0].mode == "RGBA" and size[0] == size[1] >= 16
    assert result.summary["metrics"]["generated"]["images"] == 8


def test_grounded_prompts_and_their_accuracy_are_reported(result):
    assert result.summary["grounding"] == {"matched": 3, "correct": 2}
    read = {p["prompt"]: p["model_read"] for p in result.summary["per_prompt"]}
    assert read == {
        "Kids Red Bouncy Ball": "red ball",
        "蓝色收纳盒子大号": "蓝色盒子",
        "Outdoor Camping Tent 2 Person": "tent",
        "实木登山棍子": "实木登山棍子",
    }


def test_real_images_score_at_the_ceiling_and_random_concepts_at_the_floor(result):
    m = result.summary["metrics"]
    assert m["real"]["concept_top5_en"] == 1.0 and m["real"]["concept_top5_zh"] == 1.0
    assert m["real"]["concept_top1_en"] >= 0.5 and m["real"]["concept_top1_zh"] >= 0.5
    assert m["random"]["concept_top1_en"] <= 0.5  # never the prompt's concept; only evaluator mistakes
    assert m["real"]["alpha_quality"] == 1.0
    assert m["real"]["feature_frechet_distance"] < m["random"]["feature_frechet_distance"]
    assert m["real"]["collapsed_prompts"] == 0


def test_untrained_model_scores_below_the_ceiling(result):
    m = result.summary["metrics"]
    assert m["generated"]["alpha_quality"] < m["real"]["alpha_quality"]
    assert m["generated"]["feature_frechet_distance"] > m["real"]["feature_frechet_distance"]
    assert m["generated"]["diversity"] > 0


def test_summary_is_json_and_table_has_every_metric(result, tmp_path):
    paths = write_results(result, tmp_path)
    saved = json.loads(paths["results"].read_text(encoding="utf-8"))
    assert saved["prompts"] == 4 and set(saved["metrics"]) == {"generated", "real", "random"}
    assert len(saved["per_prompt"]) == 4 and saved["per_prompt"][1]["lang"] == "zh"
    rows = table_rows(saved)
    assert len(rows) == 9 and all(len(r) == 5 for r in rows)
    assert (
        paths["grid"].is_file()
        and paths["grid_prompts"].read_text(encoding="utf-8").splitlines()[1] == "蓝色收纳盒子大号"
    )


def test_accuracy_is_split_by_how_many_images_the_concept_has_in_the_dataset(result):
    by = result.summary["by_dataset_images"]
    stick = next(
        p for p in result.summary["per_prompt"] if p["concept"] == "c4"
    )  # the one concept without variants
    one_image = {"prompts": 1, "top1": stick["top1_hits"] / 2, "top5": stick["top5_hits"] / 2}
    assert by["generated"]["one image"] == one_image
    assert by["generated"]["several images"]["prompts"] == 3
    assert by["real"]["several images"]["top5"] == 1.0  # the ceiling, split the same way


def test_grid_lays_prompts_down_and_seeds_across(result):
    grid = sample_grid(result.images, cell=32)
    assert grid.size == (64, 128)


def test_generated_images_can_be_scored_again_without_generating(
    pipe, result, trained_evaluator, shapes_dataset
):
    evaluator, _, _ = trained_evaluator
    cfg = EvalConfig(seeds=2, steps=2, batch_size=8)
    read = pipe.ground_prompts([p.prompt for p in PROMPTS], cfg.ground)
    again = score_run(result.images, read, PROMPTS, evaluator, cfg, data=shapes_dataset)
    assert again["metrics"] == result.summary["metrics"]
    assert again["per_prompt"] == result.summary["per_prompt"]
    # real images handed in as the "generated" ones score exactly as the ceiling does
    records = [r for r in read_dataset(shapes_dataset) if r.concept]
    real, _, _ = reference_conditions(
        PROMPTS, Path(shapes_dataset), records, set(evaluator.info.get("heldout_files", [])), cfg
    )
    as_real = score_run(real, read, PROMPTS, evaluator, cfg, data=shapes_dataset)
    for key in ("concept_top1_en", "concept_top5_zh", "colour_adherence"):
        assert as_real["metrics"]["generated"][key] == result.summary["metrics"]["real"][key]
    assert as_real["metrics"]["generated"] != result.summary["metrics"]["generated"]


def test_run_without_data_has_only_the_model_column(pipe, trained_evaluator):
    evaluator, _, _ = trained_evaluator
    res = run_eval(pipe, evaluator, PROMPTS[:2], EvalConfig(seeds=2, steps=1))
    assert set(res.summary["metrics"]) == {"generated"}
    assert res.summary["metrics"]["generated"]["feature_frechet_distance"] is None
    assert "by_dataset_images" not in res.summary  # no dataset to count images in


def test_reference_record_matches_concept_and_colour(shapes_dataset):
    from adcraft.data.dataset import read_dataset

    records = read_dataset(shapes_dataset)
    assert reference_record(PROMPTS[0], records, set()).color == "red"
    assert reference_record(PROMPTS[2], records, set()).color is None
    green = next(r.file for r in records if r.concept == "c3" and r.color == "green")
    assert reference_record(PROMPTS[2], records, {green}).color is None  # the colour match wins over held-out
    tent_green = EvalPrompt("green tent", "en", "c3", "green")
    assert reference_record(tent_green, records, {green}).file == green
    assert reference_record(EvalPrompt("x", "en", "nope"), records, set()) is None


def test_real_views_keep_the_first_image_and_colour(draw_shape):
    img = draw_shape("c1", (220, 30, 30))
    views = real_views(img, 3, seed=0)
    assert views[0] is img and len(views) == 3
    arr = np.asarray(views[2])
    opaque = arr[..., 3] > 250
    assert arr[opaque][:, 0].mean() > 180 and arr[opaque][:, 1].mean() < 70


def test_config_refuses_a_single_seed():
    with pytest.raises(InvalidInputError):
        EvalConfig(seeds=1)


def test_colour_table_natural_colour_and_style_breakdowns(result, pipe, trained_evaluator, shapes_dataset):
    from adcraft.evaluation.report import breakdown_rows

    s = result.summary
    assert s["by_colour"]["real"]["red"] == {"prompts": 1, "adherence": 1.0}  # real red balls are red
    assert set(s["by_colour"]["generated"]) == {"red", "blue"}
    natural = s["natural_colour"]
    assert natural["real"]["prompts"] == 2 and natural["real"]["share"] == 1.0  # the originals are grey
    assert 0.0 <= natural["generated"]["share"] <= 1.0
    titles = [t for t, _, _ in breakdown_rows(s)]
    assert titles == ["colour adherence per family (prompts)", "no colour asked -> natural colour"]
    evaluator, _, _ = trained_evaluator
    with pytest.raises(InvalidInputError, match="style 'flat' must be one of 3d"):
        run_eval(pipe, evaluator, PROMPTS[:1], EvalConfig(seeds=2, steps=1, style="flat"))


def test_reference_for_an_uncoloured_title_is_the_original(shapes_dataset):
    records = read_dataset(shapes_dataset)
    assert reference_record(PROMPTS[3], records, set()).file.endswith("-orig.png")
