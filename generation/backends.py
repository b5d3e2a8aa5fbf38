"""Diffusers backends: the built-in model, loading a configured one, and one pipeline call.

Reads like a diffusers pipeline, top to bottom: which model (config), how it is
built or loaded and placed on a device, the per-process cache that keeps it warm,
and `run_pipeline`, the one place where a job's parameters become a pipeline call.

torch, diffusers and transformers are imported inside functions only. django-q2
imports the task module in the cluster parent and then forks its workers; CUDA
must not be touched before that fork, so nothing here runs at import time.
"""

from __future__ import annotations

import inspect
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings

from generation.params import (
    BUILTIN_MODEL,
    DEFAULT_DEVICE,
    DEFAULT_DTYPE,
    DEFAULT_OFFLOAD,
    DTYPES,
    OFFLOADS,
    SIMULATED_PREFIX,
    GenerationParams,
    ModelCaps,
    caps_for,
    fit_params,
    is_simulated,
)

if TYPE_CHECKING:
    import torch
    from diffusers import DiffusionPipeline, WanPipeline
    from transformers import PreTrainedTokenizerFast

log = logging.getLogger(__name__)

LOAD_RETRY_SECONDS = 30.0  # a failed load is not retried sooner, so jobs fail fast meanwhile


class ModelLoadError(Exception):
    """The configured model could not be loaded; the message says what to change."""


class JobInterrupted(Exception):
    """Raised from the step callback to stop a run before the next step (and before decode)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ModelConfig:
    name: str = BUILTIN_MODEL  # "builtin", a Hub id, or a local folder
    dtype: str = DEFAULT_DTYPE
    device: str = DEFAULT_DEVICE
    offload: str = DEFAULT_OFFLOAD

    @classmethod
    def from_settings(cls) -> ModelConfig:
        if settings.WORKER_MODEL:
            return cls.from_catalogue(settings.WORKER_MODEL)
        return cls(
            name=settings.GENERATION_MODEL,
            dtype=settings.GENERATION_DTYPE,
            device=settings.GENERATION_DEVICE,
            offload=settings.GENERATION_OFFLOAD,
        )

    @classmethod
    def from_catalogue(cls, entry_name: str) -> ModelConfig:
        """The staff's catalogue entry this worker serves (WORKER_MODEL / --model)."""
        # Not at the top: bench/wan_1_3b.py imports this module without setting up
        # Django, and a models module needs the app registry.
        from generation.models import ModelEntry

        entry = ModelEntry.objects.filter(name=entry_name).first()
        if entry is None:
            raise ModelLoadError(
                f"WORKER_MODEL={entry_name!r} is not in the model catalogue; add it in the "
                "admin (Generation > Catalogue models) or start the worker with another --model."
            )
        return cls(
            name=entry.source,
            dtype=entry.dtype,
            device=settings.GENERATION_DEVICE,
            offload=entry.offload,
        )


@dataclass
class LoadedModel:
    # A DiffusionPipeline; typed Any because its components (vae, transformer...)
    # are attributes diffusers sets at runtime, which mypy cannot see.
    pipeline: Any
    name: str
    caps: ModelCaps
    device: str  # where the denoising runs, also with offload ("cuda:0", "cpu")
    dtype: str
    offload: str
    load_seconds: float
    call_kwargs: dict[str, Any] = field(default_factory=dict)  # model-specific call arguments


# ---------------------------------------------------------------------------
# The built-in model: a tiny Wan 2.1 pipeline built from configs with fixed seeds.
# No download, no GPU, about a quarter of a second per clip on a laptop CPU. Its
# output is coloured noise; it exists so every path (queue, progress, cancel,
# encode, gallery) runs for real in development and in tests.
# ---------------------------------------------------------------------------

BUILTIN_SEED = 20250101
BUILTIN_MAX_SEQUENCE_LENGTH = 32  # Wan's default of 512 tokens is wasted on a 32-token toy
BUILTIN_TEXT_DIM = 32
PAD, EOS, UNK = "[PAD]", "</s>", "[UNK]"  # T5 ends every prompt with </s>
# Prompt words the toy tokenizer knows; any other word becomes [UNK]. Changing this
# list changes the built-in model's output for the same seed.
BUILTIN_VOCABULARY = """
a an the and or of in on at to with without from over under through into near far
above below behind before after while slowly quickly gently softly suddenly
cat dog bird fish horse fox wolf bear deer rabbit whale dragon robot person people
man woman child girl boy dancer painter crowd car train boat ship plane bicycle
city street road bridge tower house room window door garden forest tree trees
flower flowers grass field mountain mountains hill valley river lake sea ocean
beach wave waves rain snow storm cloud clouds sky sun moon star stars fire smoke
light lights shadow shadows night day morning evening sunset sunrise winter summer
autumn spring red orange yellow green blue purple pink white black gray grey gold
silver bright dark soft warm cold glowing neon misty foggy calm wild old new big
small tiny giant long short tall round walks walking runs running flies flying
swims swimming dances dancing jumps falls falling rises rising spins floats drifts
moves turns looks sits stands sleeps glows burns melts grows breaks opens closes
camera shot closeup close wide aerial tracking pan zoom slow motion timelapse
cinematic realistic painting watercolor cartoon anime sketch film photo style
detailed blurry beautiful strange quiet loud empty full
"""


def builtin_tokenizer() -> PreTrainedTokenizerFast:
    """A word-level tokenizer over a fixed vocabulary, ending each prompt with </s> like T5."""
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordLevel
    from transformers import PreTrainedTokenizerFast

    vocab: dict[str, int] = {}
    for word in (PAD, EOS, UNK, *BUILTIN_VOCABULARY.split()):
        vocab.setdefault(word, len(vocab))
    tokenizer = Tokenizer(WordLevel(vocab=vocab, unk_token=UNK))
    tokenizer.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"$A {EOS}", special_tokens=[(EOS, vocab[EOS])]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, pad_token=PAD, unk_token=UNK, eos_token=EOS
    )


def builtin_pipeline() -> WanPipeline:
    """Build the tiny Wan pipeline. The same weights every time, in every process."""
    import torch
    from diffusers import AutoencoderKLWan, WanTransformer3DModel
    from transformers import UMT5Config, UMT5EncoderModel

    tokenizer = builtin_tokenizer()
    # fork_rng keeps the worker's global RNG untouched; devices=[] keeps CUDA out of it.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(BUILTIN_SEED)
        text_encoder = UMT5EncoderModel(
            UMT5Config(
                vocab_size=len(tokenizer),
                d_model=BUILTIN_TEXT_DIM,
                d_kv=8,
                d_ff=64,
                num_layers=1,
                num_heads=4,
                relative_attention_num_buckets=8,
                relative_attention_max_distance=BUILTIN_MAX_SEQUENCE_LENGTH,
                pad_token_id=tokenizer.pad_token_id,
                eos_token_id=tokenizer.eos_token_id,
                decoder_start_token_id=tokenizer.pad_token_id,
            )
        )
        torch.manual_seed(BUILTIN_SEED + 1)
        # z_dim stays 16: the VAE's default latents_mean/std have 16 entries.
        vae: Any = AutoencoderKLWan(
            base_dim=3,
            z_dim=16,
            dim_mult=[1, 1, 1, 1],
            num_res_blocks=1,
            temperal_downsample=[False, True, True],
        )
        torch.manual_seed(BUILTIN_SEED + 2)
        transformer: Any = WanTransformer3DModel(
            patch_size=(1, 2, 2),
            num_attention_heads=2,
            attention_head_dim=12,
            in_channels=16,
            out_channels=16,
            text_dim=BUILTIN_TEXT_DIM,
            freq_dim=256,
            ffn_dim=32,
            num_layers=2,
            cross_attn_norm=True,
            qk_norm="rms_norm_across_heads",
            rope_max_seq_len=64,  # covers 33 frames (9 latent) and 224 px (14 patches)
        )
    return wan_pipeline(
        tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=transformer
    )


def wan_pipeline(*, tokenizer: Any, text_encoder: Any, vae: Any, transformer: Any) -> WanPipeline:
    """A Wan 2.1 pipeline from modules built in code, in eval mode, with no progress bar."""
    from diffusers import UniPCMultistepScheduler, WanPipeline

    # The scheduler Wan 2.1 ships with, in its flow-matching mode.
    scheduler = UniPCMultistepScheduler(
        prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0
    )
    pipeline: Any = WanPipeline(
        tokenizer=tokenizer,
        text_encoder=text_encoder.eval(),
        vae=vae.eval(),
        scheduler=scheduler,
        transformer=transformer.eval(),
    )
    pipeline.set_progress_bar_config(disable=True)
    return pipeline


# ---------------------------------------------------------------------------
# The simulated GPU (GENERATION_MODEL=simulated:<seconds>): for scale tests and
# benchmarks only. It sleeps the given time per step, so many simulated workers
# share two CPU cores the way many real workers share nothing, and returns a
# solid-colour clip (the colour follows the seed). It is not a model.
# ---------------------------------------------------------------------------

SIMULATED_DEVICE = "simulated"


@dataclass
class _SimulatedOutput:
    frames: list[np.ndarray]


class SimulatedPipeline:
    """Quacks like a diffusers text-to-video pipeline; spends wall time, not CPU."""

    def __init__(self, seconds_per_step: float) -> None:
        self.seconds_per_step = seconds_per_step
        self._num_timesteps = 0

    def __call__(
        self,
        prompt: str,
        num_frames: int,
        width: int,
        height: int,
        num_inference_steps: int,
        seed: int = 0,
        callback_on_step_end: Callable[..., dict[str, Any]] | None = None,
    ) -> _SimulatedOutput:
        self._num_timesteps = num_inference_steps
        for step in range(num_inference_steps):
            time.sleep(self.seconds_per_step)
            if callback_on_step_end is not None:
                callback_on_step_end(self, step, None, {})
        colour = np.array([(seed * 97) % 256, (seed * 57) % 256, (seed * 31) % 256]) / 255.0
        clip = np.broadcast_to(colour, (num_frames, height, width, 3)).astype(np.float32)
        return _SimulatedOutput(frames=[clip])

    def maybe_free_model_hooks(self) -> None:
        pass


def simulated_model(name: str) -> LoadedModel:
    text = name.removeprefix(SIMULATED_PREFIX)
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 60:
        raise ModelLoadError(
            f"GENERATION_MODEL={name!r}: the simulation needs seconds per step from 0 to 60, "
            "e.g. simulated:0.5."
        )
    return LoadedModel(
        pipeline=SimulatedPipeline(seconds),
        name=name,
        caps=caps_for(name),
        device=SIMULATED_DEVICE,
        dtype="none",
        offload="none",
        load_seconds=0.0,
    )


# ---------------------------------------------------------------------------
# Loading: device and dtype, the pipeline itself, then placement (offload or .to).
# ---------------------------------------------------------------------------


def resolve_device(requested: str) -> str:
    """'auto' means the first CUDA GPU when there is one, else the CPU."""
    import torch

    if requested == "auto":
        return "cuda:0" if torch.cuda.is_available() else "cpu"
    try:
        device = torch.device(requested)
    except (RuntimeError, ValueError) as exc:
        raise ModelLoadError(
            f"GENERATION_DEVICE={requested!r} is not a device; use auto, cpu, cuda or cuda:N."
        ) from exc
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ModelLoadError(
                f"GENERATION_DEVICE={requested!r} but this worker sees no CUDA GPU "
                f"(torch {torch.__version__}); use GENERATION_DEVICE=cpu or install a CUDA build."
            )
        index = device.index or 0
        if index >= torch.cuda.device_count():
            raise ModelLoadError(
                f"GENERATION_DEVICE={requested!r} but this worker has only "
                f"{torch.cuda.device_count()} CUDA GPU(s)."
            )
        return f"cuda:{index}"
    return str(device)


def resolve_dtype(requested: str, device: str) -> torch.dtype:
    """'auto' means bfloat16 on a GPU (what Wan is trained in) and float32 on the CPU."""
    import torch

    if requested not in DTYPES:
        raise ModelLoadError(f"GENERATION_DTYPE={requested!r} is not one of {', '.join(DTYPES)}.")
    if requested == "auto":
        return torch.bfloat16 if device.startswith("cuda") else torch.float32
    dtype: torch.dtype = getattr(torch, requested)
    return dtype


def load_model(config: ModelConfig) -> LoadedModel:
    """Build or load the configured pipeline and place it. Any failure is a ModelLoadError."""
    if is_simulated(config.name):
        return simulated_model(config.name)  # no torch: simulated hosts stay light
    import torch

    started = time.monotonic()
    try:
        device = resolve_device(config.device)
        dtype = resolve_dtype(config.dtype, device)
        if config.name == BUILTIN_MODEL:
            pipeline: Any = builtin_pipeline()
            if dtype != torch.float32:  # it is built in float32; from_pretrained casts itself
                pipeline.to(dtype=dtype)
            call_kwargs: dict[str, Any] = {"max_sequence_length": BUILTIN_MAX_SEQUENCE_LENGTH}
        else:
            pipeline = _pretrained_pipeline(config.name, dtype)
            call_kwargs = {}
        _check_text_to_video(config.name, pipeline)
        offload = _place(pipeline, device=device, offload=config.offload)
    except ModelLoadError:
        raise
    except Exception as exc:  # OOM, missing packages, broken weights: say so, no traceback
        log.exception("Loading GENERATION_MODEL=%r failed", config.name)
        raise ModelLoadError(
            f"Could not load GENERATION_MODEL={config.name!r}: {_summary(exc)}."
        ) from exc
    return LoadedModel(
        pipeline=pipeline,
        name=config.name,
        caps=caps_for(config.name),
        device=device,
        dtype=str(dtype).removeprefix("torch."),
        offload=offload,
        load_seconds=time.monotonic() - started,
        call_kwargs=call_kwargs,
    )


def _summary(exc: BaseException) -> str:
    first_line = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first_line[:300]}" if first_line else type(exc).__name__


def _hub_offline() -> bool:
    from huggingface_hub import constants

    flag = os.environ.get("HF_HUB_OFFLINE", "").strip().upper()
    return bool(constants.HF_HUB_OFFLINE) or flag in {"1", "ON", "YES", "TRUE"}


def _looks_like_path(name: str) -> bool:
    # Hub ids are "owner/name"; anything absolute, relative-dotted or ~ is meant as a folder.
    return name.startswith(("/", "./", "../", "~", "\\")) or os.path.isabs(name)


def _pretrained_pipeline(name: str, dtype: torch.dtype) -> DiffusionPipeline:
    from diffusers import DiffusionPipeline

    folder = Path(name).expanduser()
    is_folder = folder.is_dir()
    if _looks_like_path(name) and not is_folder:
        raise ModelLoadError(
            f"Could not load GENERATION_MODEL={name!r}: no such local directory. Set "
            "GENERATION_MODEL to a folder saved with save_pretrained, a Hugging Face Hub id, "
            "or 'builtin'."
        )
    if is_folder and not (folder / "model_index.json").is_file():
        raise ModelLoadError(
            f"Could not load GENERATION_MODEL={name!r}: the folder has no model_index.json, so it "
            "is not a diffusers pipeline. Point it at the pipeline's top folder, or use 'builtin'."
        )
    offline = _hub_offline()
    try:
        return DiffusionPipeline.from_pretrained(
            str(folder) if is_folder else name,
            dtype=dtype,
            local_files_only=is_folder or offline,
        )
    except Exception as exc:
        if is_folder:
            raise  # a broken local pipeline: load_model reports the error itself
        log.warning("Loading %r from the Hub failed", name, exc_info=True)
        if offline:
            where = "it is not in the local Hugging Face cache and HF_HUB_OFFLINE is set"
        else:
            where = "no such local directory, and the Hub is unreachable or has no such model"
        raise ModelLoadError(
            f"Could not load GENERATION_MODEL={name!r}: {where} ({_summary(exc)}). Set "
            "GENERATION_MODEL to a local path or 'builtin', or download the model first."
        ) from exc


def _check_text_to_video(name: str, pipeline: Any) -> None:
    # Progress, cancel and frame counts all need these; an image pipeline would "work" badly.
    accepted = inspect.signature(pipeline.__call__).parameters
    for argument in ("prompt", "num_frames", "callback_on_step_end"):
        if argument not in accepted:
            raise ModelLoadError(
                f"GENERATION_MODEL={name!r} loads {type(pipeline).__name__}, which takes no "
                f"{argument!r}: it is not a text-to-video pipeline this studio can drive."
            )


def _place(pipeline: Any, *, device: str, offload: str) -> str:
    """Move the pipeline to its device, or install offload hooks. Returns the offload used."""
    if offload not in OFFLOADS:
        raise ModelLoadError(f"GENERATION_OFFLOAD={offload!r} is not one of {', '.join(OFFLOADS)}.")
    if offload != "none" and device == "cpu":
        # Offload moves weights between CPU and a GPU; on the CPU there is nothing to gain.
        log.warning("GENERATION_OFFLOAD=%s ignored: the model runs on the CPU", offload)
        offload = "none"
    if offload == "model":
        pipeline.enable_model_cpu_offload(device=device)
    elif offload == "sequential":
        pipeline.enable_sequential_cpu_offload(device=device)
    else:
        pipeline.to(device)  # the dtype is already set: .to(dtype) would cast Wan's fp32 layers
    return offload


# ---------------------------------------------------------------------------
# The per-process cache. A worker loads its model once and keeps it warm; the
# last failure is remembered so /healthz can show it and jobs fail fast.
# ---------------------------------------------------------------------------


@dataclass
class _CacheState:
    model: LoadedModel | None = None
    key: tuple[ModelConfig, int] | None = None  # the pid guards against models inherited by fork
    error: str | None = None
    error_key: tuple[ModelConfig, int] | None = None
    error_at: float = 0.0


_cache = _CacheState()
_cache_lock = threading.Lock()


def get_model() -> LoadedModel:
    """The model for the current settings, loaded on first use in this process."""
    key = (ModelConfig.from_settings(), os.getpid())
    with _cache_lock:
        if _cache.model is not None and _cache.key == key:
            return _cache.model
        recent = time.monotonic() - _cache.error_at < LOAD_RETRY_SECONDS
        if _cache.error is not None and _cache.error_key == key and recent:
            raise ModelLoadError(_cache.error)
        _cache.model = _cache.key = None  # free the old model before loading another
        try:
            model = load_model(key[0])
        except ModelLoadError as exc:
            _cache.error, _cache.error_key, _cache.error_at = str(exc), key, time.monotonic()
            raise
        _cache.model, _cache.key, _cache.error, _cache.error_key = model, key, None, None
        log.info("Loaded %s on %s in %.1f s", model.name, model.device, model.load_seconds)
        return model


def model_cache_clear() -> None:
    """Forget the loaded model and the last error (tests, or after changing settings)."""
    global _cache
    with _cache_lock:
        _cache = _CacheState()


# ---------------------------------------------------------------------------
# One run: inputs checked, pipeline call with a step callback, frames out.
# ---------------------------------------------------------------------------


def run_pipeline(
    *,
    model: LoadedModel,
    params: GenerationParams,
    on_step: Callable[[int, int], None],
    on_latents: Callable[[int, int, Any], None] | None = None,
) -> np.ndarray:
    """Generate one clip. Returns uint8 frames shaped (frames, height, width, 3).

    `on_step(step, total)` runs after each denoising step; if it raises
    JobInterrupted the run stops there and the VAE never decodes.
    `on_latents(step, total, latents)`, if given, runs just before it (previews).
    """
    params = _fit_to_model(params, model.caps)
    pipeline: Any = model.pipeline

    def step_end(pipe: Any, step: int, timestep: Any, tensors: dict[str, Any]) -> dict[str, Any]:
        total = getattr(pipe, "_num_timesteps", None) or params.steps
        if on_latents is not None:
            on_latents(step + 1, total, tensors.get("latents"))
        on_step(step + 1, total)
        return {}  # diffusers pops tensors from the returned dict: it must be a dict

    arguments: dict[str, Any] = {
        "prompt": params.prompt,
        "negative_prompt": params.negative_prompt or None,
        "num_frames": params.num_frames,
        "width": params.width,
        "height": params.height,
        "num_inference_steps": params.steps,
        "guidance_scale": params.guidance,
        "output_type": "np",
        "callback_on_step_end": step_end,
        **model.call_kwargs,
    }
    if model.device == SIMULATED_DEVICE:
        arguments["seed"] = params.seed
    else:
        import torch

        arguments["generator"] = torch.Generator(device=model.device).manual_seed(params.seed)
    try:
        output = pipeline(**_accepted(pipeline, arguments))
    finally:
        # A raise from the callback skips the pipeline's own cleanup; offload hooks
        # would otherwise keep the last model on the GPU.
        pipeline.maybe_free_model_hooks()
    return frames_to_uint8(np.asarray(output.frames[0]))


def _fit_to_model(params: GenerationParams, caps: ModelCaps) -> GenerationParams:
    # Jobs are fitted at submission, but the model may have changed since; the
    # pipeline would round silently, so round here and say so in the log.
    fitted, notes = fit_params(requested=params, caps=caps)
    for note in notes:
        log.warning("Run adjusted to the loaded model: %s", note)
    return fitted


def _accepted(pipeline: Any, arguments: dict[str, Any]) -> dict[str, Any]:
    # Video pipelines differ in what they take (some have no negative_prompt);
    # pass only what this one accepts.
    accepted = inspect.signature(pipeline.__call__).parameters
    return {name: value for name, value in arguments.items() if name in accepted}


def frames_to_uint8(frames: np.ndarray) -> np.ndarray:
    """Floats in [0, 1] (diffusers' "np" output) to uint8 RGB."""
    scaled = np.rint(np.clip(frames.astype(np.float32), 0.0, 1.0) * 255.0)
    return np.ascontiguousarray(scaled.astype(np.uint8))
