"""Training: the tiny model overfits a 4-image fixture, resume is exact, configs are strict."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from adcraft.diffusion.checkpoint import load_unet
from adcraft.diffusion.image import rgba_to_tensor
from adcraft.diffusion.pipeline import TextToImagePipeline
from adcraft.errors import ConfigError
from adcraft.training.config import build_config, load_train_config, parse_overrides
from adcraft.training.data import EMBEDDING_CACHE, load_tensor_dataset
from adcraft.training.loop import lr_at, train
from adcraft.training.objective import DiffusionObjective
from helpers import FIXTURE_ITEMS, draw_item


def tiny_config(data_dir, out_dir, **overrides):
    """The tiny preset on the fixture, quiet and fast."""
    base = {
        "preset": "tiny",
        "data_dir": str(data_dir),
        "out_dir": str(out_dir),
        "batch_size": 16,
        "lr": 3e-3,
        "warmup_steps": 20,
        "sample_every": 0,
        "ckpt_every": 1000,
        "log_every": 1000,
        "hflip": False,
        "ema_decay": 0.99,
    }
    return build_config({**base, **overrides})


def fixed_loss(model, data, objective) -> float:
    """Loss on every fixture image with fixed noise and timesteps (comparable before/after training)."""
    g = torch.Generator().manual_seed(123)
    x0 = data.images.repeat(8, 1, 1, 1)
    z = data.embeddings[data.caption_start].repeat(8, 1)
    objective.cond_drop_prob = 0.0
    with torch.no_grad():
        return objective(model.eval(), x0, z, g).item()


@pytest.mark.slow
def test_tiny_model_overfits_fixture_and_samples_match(tiny_dataset, tmp_path, encoder):
    cfg = tiny_config(tiny_dataset, tmp_path / "run", steps=400, lr=4e-3, sample_every=400, ckpt_every=400)
    data = load_tensor_dataset(tiny_dataset, cfg.unet.sample_size, encoder)
    objective = DiffusionObjective(cfg.schedule)
    torch.manual_seed(cfg.seed)
    from adcraft.diffusion.unet import ConditionalUNet

    before = fixed_loss(ConditionalUNet(cfg.unet), data, objective)
    result = train(cfg, encoder=encoder)
    trained, _ = load_unet(result.checkpoint, use_ema=True)
    after = fixed_loss(trained, data, objective)
    assert before / after >= 10, (before, after)
    assert (tmp_path / "run" / "samples" / "step_000400.png").is_file()

    pipe = TextToImagePipeline.from_pretrained(result.checkpoint, encoder=encoder)
    prompts = [caps[lang] for lang in (0, 1) for _, _, _, caps in FIXTURE_ITEMS]
    images = pipe(prompts, num_steps=20, seed=0)
    size = cfg.unet.sample_size
    targets = [rgba_to_tensor(draw_item(shape, colour), size) for _, shape, colour, _ in FIXTURE_ITEMS]
    for i, img in enumerate(images):
        errors = [(rgba_to_tensor(img, size) - t).abs().mean().item() for t in targets]
        assert int(np.argmin(errors)) == i % len(FIXTURE_ITEMS), (prompts[i], errors)


def test_resume_equals_uninterrupted_run(tiny_dataset, tmp_path, encoder):
    full = train(tiny_config(tiny_dataset, tmp_path / "full", steps=6, ckpt_every=3), encoder=encoder)
    train(tiny_config(tiny_dataset, tmp_path / "cut", steps=3, ckpt_every=3), encoder=encoder)
    resumed = train(
        tiny_config(tiny_dataset, tmp_path / "cut", steps=6, ckpt_every=3),
        resume=tmp_path / "cut",
        encoder=encoder,
    )
    assert resumed.steps == full.steps == 6
    for use_ema in (False, True):
        a, _ = load_unet(full.checkpoint, use_ema=use_ema)
        b, _ = load_unet(resumed.checkpoint, use_ema=use_ema)
        for (name, pa), pb in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
            torch.testing.assert_close(pa, pb, rtol=1e-5, atol=1e-6, msg=name)


def test_different_seed_gives_different_weights(tiny_dataset, tmp_path, encoder):
    a = train(tiny_config(tiny_dataset, tmp_path / "a", steps=2, seed=0), encoder=encoder)
    b = train(tiny_config(tiny_dataset, tmp_path / "b", steps=2, seed=1), encoder=encoder)
    wa, _ = load_unet(a.checkpoint, use_ema=False)
    wb, _ = load_unet(b.checkpoint, use_ema=False)
    assert not torch.equal(wa.unet.conv_in.weight, wb.unet.conv_in.weight)


def test_standardized_training_reads_the_captions_statistics_and_folds_an_init(
    tiny_dataset, tmp_path, encoder
):
    data = load_tensor_dataset(tiny_dataset, 16, encoder)
    mean, std = data.embeddings.mean(0), data.embeddings.std(0)
    fresh = train(
        tiny_config(tiny_dataset, tmp_path / "fresh", steps=2, unet={"cond_standardize": True}),
        encoder=encoder,
    )
    model, _ = load_unet(fresh.checkpoint)
    torch.testing.assert_close(model.cond_mean, mean)
    torch.testing.assert_close(model.cond_std, std)
    plain = train(tiny_config(tiny_dataset, tmp_path / "plain", steps=2), encoder=encoder)
    folded = train(
        tiny_config(
            tiny_dataset,
            tmp_path / "folded",
            steps=2,
            init_from=str(plain.checkpoint),
            unet={"cond_standardize": True},
        ),
        encoder=encoder,
    )
    model, config = load_unet(folded.checkpoint)
    assert config["unet"]["cond_standardize"] is True
    torch.testing.assert_close(model.cond_std, std)


def test_cache_only_encoder_trains_the_same_weights_as_the_encoder_that_filled_the_cache(
    tiny_dataset, tmp_path, encoder
):
    real = train(tiny_config(tiny_dataset, tmp_path / "real", steps=3), encoder=encoder)  # writes the cache
    cached = train(
        tiny_config(
            tiny_dataset, tmp_path / "cached", steps=3, encoder=f"cache:{tiny_dataset / EMBEDDING_CACHE}"
        )
    )
    a, config_a = load_unet(real.checkpoint, use_ema=False)
    b, config_b = load_unet(cached.checkpoint, use_ema=False)
    assert config_a["encoder"] == config_b["encoder"]  # loadable with the real encoder afterwards
    for (name, pa), pb in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        torch.testing.assert_close(pa, pb, msg=name)


def test_time_budget_stops_the_run_and_spreads_the_cosine_over_it(tiny_dataset, tmp_path, encoder):
    result = train(
        tiny_config(tiny_dataset, tmp_path / "run", steps=100_000, max_time_s=1.5, warmup_steps=2),
        encoder=encoder,
    )
    assert 1 <= result.steps < 100_000  # stopped by the budget, not by steps
    assert result.wall_time_s >= 1.5
    cfg = build_config(
        {"steps": 100_000, "warmup_steps": 10, "lr": 1e-3, "min_lr_ratio": 0.1, "max_time_s": 100}
    )
    assert lr_at(50, cfg, elapsed_s=0.0) == pytest.approx(1e-3)
    assert lr_at(50, cfg, elapsed_s=50.0) == pytest.approx(0.55e-3, rel=1e-3)
    assert lr_at(50, cfg, elapsed_s=100.0) == pytest.approx(1e-4)


def test_cuda_is_refused_with_a_clear_message_where_torch_sees_none(tiny_dataset, tmp_path, encoder):
    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    with pytest.raises(ConfigError, match="device 'cuda' was asked for but torch sees no CUDA GPU"):
        train(tiny_config(tiny_dataset, tmp_path / "run", steps=1, device="cuda"), encoder=encoder)


def test_learning_rate_warms_up_then_decays():
    cfg = build_config({"steps": 1000, "warmup_steps": 100, "lr": 1e-3, "min_lr_ratio": 0.1})
    assert lr_at(0, cfg) == pytest.approx(1e-5)
    assert lr_at(99, cfg) == pytest.approx(1e-3)
    assert lr_at(550, cfg) == pytest.approx(0.55e-3, rel=1e-3)
    assert lr_at(1000, cfg) == pytest.approx(1e-4)
    longer = build_config(
        {"steps": 550, "lr_decay_steps": 1000, "warmup_steps": 100, "lr": 1e-3, "min_lr_ratio": 0.1}
    )
    assert lr_at(550, longer) == pytest.approx(lr_at(550, cfg))  # a run cut short of its schedule


@pytest.mark.parametrize(
    "overrides, message",
    [
        (["stepz=10"], "unknown config key 'stepz'"),
        (["steps=ten"], "steps must be an integer"),
        (["unet.chanels=[8]"], "unknown config key 'unet.chanels'"),
        (["preset=huge"], "preset 'huge' must be one of"),
        (["schedule.prediction_type=x0"], "prediction_type 'x0' must be one of"),
        (["hflip=1"], "hflip must be true or false"),
        (["steps"], "must look like key=value"),
        (["balance=size"], "balance 'size' must be one of ['image', 'concept']"),
        (["device=tpu"], "device 'tpu' must be one of ['cpu', 'cuda', 'auto']"),
    ],
)
def test_bad_overrides_raise_naming_the_key(overrides, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        load_train_config(None, overrides)


def test_override_file_holds_only_differences(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("preset: tiny\nsteps: 7\nunet:\n  channels: [8, 16]\n")
    cfg = load_train_config(path, ["lr=0.01"])
    assert (cfg.steps, cfg.lr, cfg.unet.channels, cfg.unet.sample_size) == (7, 0.01, (8, 16), 16)
    assert cfg.batch_size == 32  # untouched default


def test_parse_overrides_nests_keys():
    assert parse_overrides(["a.b=1", "a.c=[1, 2]", "d=x"]) == {"a": {"b": 1, "c": [1, 2]}, "d": "x"}


@pytest.mark.parametrize("prediction_type", ["v_prediction", "epsilon"])
def test_min_snr_weights_damp_only_the_nearly_clean_timesteps(prediction_type):
    from adcraft.diffusion.schedule import ScheduleConfig

    schedule = ScheduleConfig(prediction_type=prediction_type)
    plain = DiffusionObjective(schedule)
    weighted = DiffusionObjective(schedule, min_snr_gamma=5.0)
    t = torch.arange(0, schedule.num_train_timesteps, 50)
    assert torch.equal(plain.weights(t), torch.ones(len(t)))
    w = weighted.weights(t)
    assert w[0] < 0.2 and (w <= 1.0 + 1e-6).all()  # t=0 is almost clean: SNR far above γ
    snr = weighted.snr[t][weighted.snr[t] < 5.0]  # noisy timesteps: γ does not clip them
    expected = snr / (snr + 1) if prediction_type == "v_prediction" else torch.ones(len(snr))
    assert torch.allclose(w[weighted.snr[t] < 5.0], expected)


def test_concept_balance_draws_each_concept_equally_often_however_many_images_it_has():
    import torch

    from adcraft.training.data import TensorDataset, concept_weights

    concepts = ["dress"] * 9 + ["banana", ""]  # nine colour variants, one image, one image without a concept
    weights = concept_weights(concepts)
    assert torch.allclose(weights, torch.tensor([1 / 9] * 9 + [1.0, 1.0]))
    n = len(concepts)
    images = torch.arange(n, dtype=torch.float32).view(n, 1, 1, 1).expand(n, 4, 2, 2)  # image i holds i
    data = TensorDataset(images, torch.zeros(n, 3), torch.arange(n), torch.ones(n, dtype=torch.long), "fp")
    generator = torch.Generator().manual_seed(0)
    for balanced, banana_share in ((False, 1 / 11), (True, 1 / 3)):
        data.weights = weights if balanced else None
        x, _ = data.sample_batch(6000, generator, hflip=False)
        drawn = x[:, 0, 0, 0]
        assert abs((drawn == 9).float().mean().item() - banana_share) < 0.02


def test_noisy_t_frac_skews_training_timesteps_towards_noise_and_leaves_uniform_runs_alone():
    from adcraft.diffusion.schedule import ScheduleConfig

    schedule = ScheduleConfig()
    uniform, skewed = (
        DiffusionObjective(schedule),
        DiffusionObjective(schedule, noisy_t_frac=0.5, noisy_t_from=0.7),
    )
    t_uniform = uniform.timesteps(20000, torch.Generator().manual_seed(0))
    t_skewed = skewed.timesteps(20000, torch.Generator().manual_seed(0))
    assert torch.equal(
        t_uniform[:100], torch.randint(0, 1000, (100,), generator=torch.Generator().manual_seed(0))
    )

    def noisy_share(t: torch.Tensor) -> float:
        return (t >= 700).float().mean().item()

    assert abs(noisy_share(t_uniform) - 0.3) < 0.02
    assert abs(noisy_share(t_skewed) - (0.5 + 0.5 * 0.3)) < 0.02  # half forced noisy, the other half uniform
    assert t_skewed.min() >= 0 and t_skewed.max() < 1000


@pytest.mark.parametrize("override", ["noisy_t_frac=1.5", "noisy_t_from=1.0", "noisy_t_frac=-0.1"])
def test_noisy_t_settings_outside_their_range_are_refused(override):
    with pytest.raises(ConfigError, match=override.split("=")[0]):
        load_train_config(None, [override])
