"""Pipeline, UNet, schedule and checkpoint behaviour with tiny components."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image

from adcraft.diffusion.checkpoint import EMA_FILE, WEIGHTS_FILE, encoder_info, load_unet, save_checkpoint
from adcraft.diffusion.image import rgba_to_tensor, tensor_to_rgba
from adcraft.diffusion.pipeline import TextToImagePipeline
from adcraft.diffusion.schedule import ScheduleConfig
from adcraft.diffusion.unet import UNET_PRESETS, ConditionalUNet, UNetConfig, standardized_copy
from adcraft.errors import CheckpointError, ConfigError, InvalidInputError


@pytest.fixture(scope="module")
def pipe(encoder):
    return TextToImagePipeline.tiny_random(seed=0, encoder=encoder)


def test_pipeline_returns_rgba_images_of_model_size(pipe):
    images = pipe(["红色连衣裙", "red dress"], num_steps=2)
    size = pipe.unet.config.sample_size
    assert [(im.mode, im.size) for im in images] == [("RGBA", (size, size))] * 2


@pytest.mark.parametrize("sampler", ["dpm++", "ddim"])
def test_sampling_is_deterministic_per_seed_and_nearly_independent_of_batching(pipe, sampler):
    prompts = ["laptop", "一杯咖啡", "blue sneakers"]
    a = pipe(prompts, num_steps=3, seed=5, batch_size=3, sampler=sampler)
    again = pipe(prompts, num_steps=3, seed=5, batch_size=3, sampler=sampler)
    b = pipe(prompts, num_steps=3, seed=5, batch_size=1, sampler=sampler)
    c = pipe(prompts, num_steps=3, seed=6, batch_size=3, sampler=sampler)
    assert all(np.array_equal(np.asarray(x), np.asarray(y)) for x, y in zip(a, again, strict=True))
    # other batch sizes take other CPU kernels: equal up to float rounding, not bit for bit
    assert max(np.abs(np.asarray(x, int) - np.asarray(y, int)).max() for x, y in zip(a, b, strict=True)) <= 3
    assert np.abs(np.asarray(a[0], int) - np.asarray(c[0], int)).max() > 20


def test_progress_callback_counts_every_step(pipe):
    calls = []
    pipe(["a", "b", "c"], num_steps=2, batch_size=2, callback=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"prompts": [""]}, "text 0 is empty"),
        ({"prompts": ["   "]}, "text 0 is empty"),
        ({"prompts": ["x" * 600]}, "at most 512"),
        ({"prompts": ["a"], "num_steps": 0}, "steps 0 must be between 1 and 200"),
        ({"prompts": ["a"], "guidance_scale": 50}, "guidance 50 must be between 0 and 20"),
        ({"prompts": ["a"], "sampler": "euler"}, "sampler 'euler' must be one of"),
        ({"prompts": ["a"], "batch_size": 0}, "batch_size 0 must be between"),
    ],
)
def test_bad_sampling_arguments_raise_clear_errors(pipe, kwargs, message):
    with pytest.raises(InvalidInputError, match=message):
        pipe(**{"num_steps": 2, **kwargs})


def test_rgba_round_trip_keeps_colour_and_alpha():
    arr = np.zeros((8, 8, 4), np.uint8)
    arr[2:6, 2:6] = (200, 40, 10, 255)
    arr[0, 0] = (10, 250, 10, 128)
    back = np.asarray(tensor_to_rgba(rgba_to_tensor(Image.fromarray(arr, "RGBA"), 8)))
    assert np.abs(back.astype(int) - arr.astype(int))[arr[..., 3] > 0].max() <= 2
    assert back[..., 3][arr[..., 3] == 0].max() == 0


def test_unet_predicts_image_shaped_output_and_uses_condition():
    torch.manual_seed(0)
    model = ConditionalUNet(UNET_PRESETS["tiny"]).eval()
    x = torch.randn(2, 4, 16, 16)
    t = torch.tensor([10, 900])
    z = torch.randn(2, 384)
    out = model(x, t, z)
    assert out.shape == x.shape
    assert not torch.allclose(out, model(x, t, model.null_condition(2)))
    dropped = model.drop_condition(z, torch.tensor([True, False]))
    assert torch.equal(dropped[0], model.null_cond) and torch.equal(dropped[1], z[1])


def test_standardized_copy_computes_the_same_function_and_saves_its_statistics(tmp_path, encoder):
    torch.manual_seed(0)
    model = ConditionalUNet(UNET_PRESETS["tiny"]).eval()
    mean, std = torch.randn(384) * 0.05, torch.rand(384) * 0.03 + 0.01
    folded = standardized_copy(model, mean, std).eval()
    assert folded.config.cond_standardize and not model.config.cond_standardize
    x, t = torch.randn(3, 4, 16, 16), torch.tensor([5, 500, 990])
    z = mean + torch.randn(3, 384) * std
    with torch.no_grad():
        torch.testing.assert_close(folded(x, t, z), model(x, t, z), rtol=1e-4, atol=1e-4)
        torch.testing.assert_close(
            folded(x, t, folded.null_condition(3)), model(x, t, model.null_condition(3)), rtol=1e-4, atol=1e-4
        )
    path = save_checkpoint(tmp_path / "std", folded, ScheduleConfig(), encoder_info(encoder))
    loaded, config = load_unet(path)
    assert config["unet"]["cond_standardize"] is True
    torch.testing.assert_close(loaded.cond_std, std)
    with torch.no_grad():
        torch.testing.assert_close(loaded(x, t, z), model(x, t, z), rtol=1e-4, atol=1e-4)


def test_condition_statistics_need_a_standardizing_model():
    with pytest.raises(ConfigError, match="cond_standardize"):
        ConditionalUNet(UNET_PRESETS["tiny"]).set_condition_stats(torch.zeros(384), torch.ones(384))


def test_base_preset_has_attention_only_at_16px_and_below():
    cfg = UNET_PRESETS["base"]
    assert [cfg.attention_at(i) for i in range(len(cfg.channels))] == [False, False, True, True]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"channels": (10, 20)}, "divisible by norm_groups"),
        ({"sample_size": 60, "channels": (8, 16, 32, 64)}, "divisible by 2"),
    ],
)
def test_unet_config_rejects_bad_shapes(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        UNetConfig(**kwargs)


def test_prediction_type_is_checked():
    with pytest.raises(ConfigError, match="prediction_type"):
        ScheduleConfig(prediction_type="sample")


@pytest.fixture
def checkpoint(tmp_path, encoder):
    torch.manual_seed(0)
    model = ConditionalUNet(UNET_PRESETS["tiny"])
    ema = {k: v + 1.0 for k, v in model.state_dict().items()}
    return save_checkpoint(tmp_path / "ckpt", model, ScheduleConfig(), encoder_info(encoder), ema=ema), model


def test_checkpoint_round_trip_loads_ema_or_raw_weights(checkpoint, encoder):
    path, model = checkpoint
    raw, config = load_unet(path, encoder=encoder_info(encoder), use_ema=False)
    ema, _ = load_unet(path, encoder=encoder_info(encoder), use_ema=True)
    for k, v in model.state_dict().items():
        torch.testing.assert_close(raw.state_dict()[k], v)
        torch.testing.assert_close(ema.state_dict()[k], v + 1.0)
    assert config["encoder"]["dim"] == 384 and config["unet"]["sample_size"] == 16


def test_checkpoint_for_another_encoder_is_refused(checkpoint):
    path, _ = checkpoint
    with pytest.raises(CheckpointError, match="trained with encoder multilingual-e5-small"):
        load_unet(path, encoder={"name": "other", "version": "1", "dim": 384})


def test_pickle_file_is_refused_as_weights(checkpoint):
    path, model = checkpoint
    (path / EMA_FILE).unlink()
    torch.save(model.state_dict(), path / WEIGHTS_FILE)  # a pickle, not safetensors
    with pytest.raises(CheckpointError, match="not a valid safetensors file"):
        load_unet(path)


def test_truncated_weights_and_bad_config_are_refused(checkpoint):
    path, _ = checkpoint
    data = (path / EMA_FILE).read_bytes()
    (path / EMA_FILE).write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="not a valid safetensors"):
        load_unet(path)
    (path / "config.json").write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(CheckpointError, match="format"):
        load_unet(path)


def test_missing_checkpoint_names_shipped_models(tmp_path):
    with pytest.raises(CheckpointError, match="not found"):
        load_unet(tmp_path / "nope")


def test_clean_alpha_removes_speckles_and_keeps_the_object():
    from adcraft.diffusion.image import clean_alpha

    a = np.zeros((32, 32, 4), np.uint8)
    a[8:24, 8:24] = (200, 30, 30, 255)  # the object
    a[8:24, 24] = (200, 30, 30, 100)  # its soft edge
    a[1, 1] = a[30, 2] = (10, 200, 10, 255)  # speckles
    a[28, 28] = (10, 10, 200, 20)  # faint noise
    out = np.asarray(clean_alpha(Image.fromarray(a, "RGBA")))
    assert out[1, 1, 3] == out[30, 2, 3] == out[28, 28, 3] == 0
    np.testing.assert_array_equal(out[8:24, 8:25], a[8:24, 8:25])


def test_pipeline_can_return_the_raw_mask(pipe):
    raw = pipe(["laptop"], num_steps=2, clean=False)[0]
    cleaned = pipe(["laptop"], num_steps=2)[0]
    assert np.asarray(cleaned)[..., 3].sum() <= np.asarray(raw)[..., 3].sum()


def test_grounding_reads_a_known_title_as_its_training_caption(encoder):
    from adcraft.text.grounding import Vocabulary, VocabularyEntry

    plain = TextToImagePipeline.tiny_random(seed=0, encoder=encoder)
    grounded = TextToImagePipeline.tiny_random(seed=0, encoder=encoder)
    grounded.vocabulary = Vocabulary([VocabularyEntry("dress", "连衣裙", "dress")])
    title = "2026夏季新款法式红色碎花连衣裙女收腰显瘦"
    assert [g.caption for g in grounded.ground_prompts([title, "blue mug"])] == ["红色连衣裙", "blue mug"]
    same = grounded([title], num_steps=2)[0], plain(["红色连衣裙"], num_steps=2)[0]
    assert np.array_equal(np.asarray(same[0]), np.asarray(same[1]))
    raw = grounded([title], num_steps=2, ground=False)[0]  # the switch turns it off
    assert np.array_equal(np.asarray(raw), np.asarray(plain([title], num_steps=2)[0]))
    assert not np.array_equal(np.asarray(raw), np.asarray(same[0]))


def test_a_style_ends_the_caption_only_for_a_model_trained_with_styles(pipe):
    from adcraft.text.grounding import Vocabulary, VocabularyEntry

    assert [g.caption for g in pipe.ground_prompts(["跑鞋"], style="3d")] == ["跑鞋"]  # no styles: one look
    with pytest.raises(InvalidInputError, match="style 'flat' must be one of 3d"):
        pipe.ground_prompts(["跑鞋"], style="flat")
    styled = TextToImagePipeline(
        pipe.unet,
        pipe.encoder,
        pipe.schedule,
        vocabulary=Vocabulary([VocabularyEntry("1f45f", "跑鞋", "running shoe")]),
        styles=("3d", "flat"),
    )
    read = styled.ground_prompts(["男士黑色透气跑鞋", "Navy Running Shoe"], style="flat")
    assert [g.caption for g in read] == [
        "黑色跑鞋，扁平插画风格",
        "navy running shoe, flat illustration style",
    ]
    assert read[0].style == "flat"
    assert styled.ground_prompts(["跑鞋"])[0].caption == "跑鞋"  # no style asked: no style word
    with pytest.raises(InvalidInputError, match="must be one of 3d, flat"):
        styled(["跑鞋"], num_steps=1, style="cartoon")


def test_colour_report_says_which_colour_was_read_and_whether_the_model_had_it(pipe):
    known = TextToImagePipeline(pipe.unet, pipe.encoder, pipe.schedule, colors=("black", "red"))
    assert known.colour_report("黑色手提包") == {"word": "黑色", "family": "black", "trained": True}
    assert known.colour_report("藏青色西装")["trained"] is False  # navy: no navy image in its data
    assert known.colour_report("玫瑰金手表") == {"word": "玫瑰金", "family": None, "trained": False}
    assert known.colour_report("手提包") is None
    assert pipe.colour_report("Navy Blazer") == {"word": "Navy", "family": "navy", "trained": None}
