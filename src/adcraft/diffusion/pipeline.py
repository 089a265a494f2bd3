"""Text-to-image: the one place where the encoder, the UNet and the sampler meet."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import replace

import torch
from PIL import Image

from adcraft.data.styles import DEFAULT_STYLE, styled_caption
from adcraft.defaults import DEFAULT_GUIDANCE, DEFAULT_STEPS
from adcraft.diffusion.checkpoint import encoder_info, load_unet, resolve_checkpoint
from adcraft.diffusion.image import clean_alpha, tensor_to_rgba
from adcraft.diffusion.schedule import ScheduleConfig, check_sampling_args, check_seed, make_sampler
from adcraft.diffusion.unet import UNET_PRESETS, ConditionalUNet
from adcraft.errors import InvalidInputError
from adcraft.seeding import seeded_torch
from adcraft.text.attributes import detect_language
from adcraft.text.colors import color_spans
from adcraft.text.encoder import TextEncoder, check_texts, load_encoder
from adcraft.text.grounding import Grounding, Vocabulary

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]  # (steps done, total steps) over the whole call
MAX_BATCH = 256


class TextToImagePipeline:
    """Product text -> RGBA product visuals: encode, sample with CFG, postprocess."""

    def __init__(
        self,
        unet: ConditionalUNet,
        encoder: TextEncoder,
        schedule: ScheduleConfig,
        device: str | torch.device = "cpu",
        model_id: str = "",
        vocabulary: Vocabulary | None = None,
        styles: Sequence[str] = (),
        colors: Sequence[str] = (),
    ) -> None:
        self.unet = unet.to(device).eval()
        self.styles = tuple(styles)  # the styles whose words the model was trained on; () = one look
        self.colors = tuple(colors)  # the colour families of its training images; () = not recorded
        self.vocabulary = vocabulary  # the training data's concept labels, for grounding prompts
        self.encoder = encoder
        self.schedule = schedule
        self.device = torch.device(device)
        self.model_id = model_id

    @classmethod
    def from_pretrained(
        cls,
        name_or_path: str | os.PathLike = "default",
        device: str = "cpu",
        encoder: TextEncoder | None = None,
        use_ema: bool = True,
    ) -> TextToImagePipeline:
        """Load a shipped model by name ('default') or a checkpoint directory."""
        encoder = encoder or load_encoder()
        unet, config = load_unet(name_or_path, encoder=encoder_info(encoder), use_ema=use_ema, device=device)
        return cls(
            unet,
            encoder,
            ScheduleConfig(**config["schedule"]),
            device,
            str(config.get("model_id", name_or_path)),
            vocabulary=Vocabulary.load(resolve_checkpoint(name_or_path)),
            styles=config.get("styles", ()),
            colors=config.get("colors", ()),
        )

    @classmethod
    def tiny_random(cls, seed: int = 0, encoder: TextEncoder | None = None) -> TextToImagePipeline:
        """A pipeline with an untrained tiny UNet, for tests of code that consumes images."""
        encoder = encoder or load_encoder()
        config = UNET_PRESETS["tiny"]
        config = type(config)(**{**config.to_dict(), "channels": config.channels, "cond_dim": encoder.dim})
        with seeded_torch(seed):  # the same weights for a seed; the caller's RNG is left alone
            unet = ConditionalUNet(config)
        return cls(unet, encoder, ScheduleConfig(), model_id=f"tiny-random-{seed}")

    @torch.no_grad()
    def __call__(
        self,
        prompts: Sequence[str],
        num_steps: int = DEFAULT_STEPS,
        guidance_scale: float = DEFAULT_GUIDANCE,
        seed: int = 0,
        batch_size: int = 16,
        sampler: str | None = None,
        callback: ProgressCallback | None = None,
        clean: bool = True,
        ground: bool = True,
        style: str | None = None,
    ) -> list[Image.Image]:
        """Generate one RGBA image per prompt; image i uses noise seeded by seed + i.

        With `clean`, the mask is cleaned of isolated speckles (clean_alpha); colour is untouched.
        With `ground`, prompts that name a concept of the model's vocabulary are read as a training-style
        caption (adcraft.text.grounding; see `ground_prompts`). With `style`, the caption ends with that
        style's words (None: no style asked, so seeds may differ in style).
        """
        check_sampling_args(num_steps, guidance_scale)
        check_seed(seed)
        if not 1 <= batch_size <= MAX_BATCH:
            raise InvalidInputError(f"batch_size {batch_size} must be between 1 and {MAX_BATCH}")
        # 1. encode prompt (grounded in the training captions' style)
        prompts = check_texts(prompts)
        texts = [g.caption for g in self.ground_prompts(prompts, ground, style)]
        z = torch.from_numpy(self.encoder.encode(texts)).to(self.device)  # (N, D)
        # 2. prepare noise, one generator per image so results do not depend on batching
        size = self.unet.config.sample_size
        noise = torch.stack(
            [
                torch.randn(
                    self.unet.config.in_channels,
                    size,
                    size,
                    generator=torch.Generator().manual_seed(seed + i),
                )
                for i in range(len(prompts))
            ]
        ).to(self.device)  # (N, 4, H, W)
        images: list[Image.Image] = []
        total = num_steps * ((len(prompts) + batch_size - 1) // batch_size)
        for start in range(0, len(prompts), batch_size):
            x = self.denoise(
                noise[start : start + batch_size],
                z[start : start + batch_size],
                num_steps,
                guidance_scale,
                sampler,
                callback,
                done=start // batch_size * num_steps,
                total=total,
            )
            # 4. postprocess
            images.extend(clean_alpha(tensor_to_rgba(xi)) if clean else tensor_to_rgba(xi) for xi in x)
        return images

    def ground_prompts(
        self, prompts: Sequence[str], ground: bool = True, style: str | None = None
    ) -> list[Grounding]:
        """What the model reads for each prompt; prompts pass unchanged without `ground` or a vocabulary,
        and end with the style's words when a style is asked of a model trained with styles (a model
        without them has the one 3D look, and "3d" leaves its prompts as they are).

        Callers that report the reading ground once and generate from the captions with `ground=False`
        (and no style: it is in the captions already).
        """
        self.check_style(style)
        prompts = check_texts(prompts)
        if not ground or self.vocabulary is None:
            read = [Grounding(p, p, None, None, None) for p in prompts]
        else:
            read = [self.vocabulary.ground(p) for p in prompts]
        if style is None or not self.styles:
            return read
        return [
            replace(g, caption=styled_caption(g.caption, style, detect_language(g.caption)), style=style)
            for g in read
        ]

    def colour_report(self, prompt: str) -> dict | None:
        """The colour a prompt names, as read: {"word", "family", "trained"}; trained is False for a
        colour of no family or one the training images never had, None when the model does not record
        its colours (models before issue 20); None when the prompt names no colour."""
        spans = color_spans(prompt)
        if not spans:
            return None
        start, end, family = next((s for s in spans if s[2] is not None), spans[0])
        trained = (family in self.colors) if self.colors else None
        return {"word": prompt[start:end], "family": family, "trained": False if family is None else trained}

    def check_style(self, style: str | None) -> None:
        """Refuse a style the model was not trained on, naming the ones it was."""
        allowed = self.styles or (DEFAULT_STYLE,)
        if style is not None and style not in allowed:
            names = ", ".join(allowed)
            trained = self.model_id or "this model"
            raise InvalidInputError(f"style {style!r} must be one of {names} (the styles of {trained})")

    def denoise(
        self,
        x: torch.Tensor,
        z: torch.Tensor,
        num_steps: int,
        guidance_scale: float,
        sampler: str | None = None,
        callback: ProgressCallback | None = None,
        done: int = 0,
        total: int = 0,
    ) -> torch.Tensor:
        """3. The denoising loop for one batch, with classifier-free guidance inline."""
        scheduler = make_sampler(self.schedule, sampler)
        scheduler.set_timesteps(num_steps)
        x = x * scheduler.init_noise_sigma
        null = self.unet.null_condition(z.shape[0])
        for i, t in enumerate(scheduler.timesteps):
            x_in = scheduler.scale_model_input(torch.cat([x, x]), t)
            t_in = t.expand(x_in.shape[0]).to(self.device)
            out_cond, out_null = self.unet(x_in, t_in, torch.cat([z, null])).chunk(2)
            guided = out_null + guidance_scale * (out_cond - out_null)
            x = scheduler.step(guided, t, x).prev_sample
            if callback is not None:
                callback(done + i + 1, total or num_steps)
        return x
