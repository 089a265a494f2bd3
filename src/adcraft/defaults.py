"""Defaults and limits shared by several stages, named once (the CLI, the service and configs use these)."""

DEFAULT_STEPS = 20  # sampler steps per visual: DPM-Solver++ reaches its quality plateau around here at 64 px
MIN_STEPS, MAX_STEPS = 1, 200  # sampler steps accepted from users
DEFAULT_GUIDANCE = 3.0  # classifier-free guidance scale (a 3/5/8 sweep found no gain above 3: model card)
MAX_GUIDANCE = 20.0  # above this CFG saturates colours; refused
VISUAL_SIZE = 64  # side in pixels of the generated product visual (the base model's resolution)
VISUAL_UPSCALE = 4  # generated visuals are upscaled this many times (64 -> 256 px) before layout
LANGUAGES = ("zh", "en")  # languages of product text, copy, captions and segments
MAX_PLACEMENTS = 16  # slots per product and request; more is a different job: split it
DEFAULT_PLACEMENTS = (
    "feed-square",
    "link-landscape",
)  # two common slots keep a default service/batch run short
