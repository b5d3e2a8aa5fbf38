"""The built-in model runs for real on the CPU; loading failures read like advice."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from pytest_django.fixtures import Settings as SettingsWrapper

from generation import backends
from generation.backends import (
    JobInterrupted,
    LoadedModel,
    ModelConfig,
    ModelLoadError,
    builtin_pipeline,
    get_model,
    load_model,
    model_cache_clear,
    run_pipeline,
)
from generation.params import GenerationParams

PARAMS = GenerationParams(
    prompt="a red fox runs through the snow",
    negative_prompt="blurry",
    num_frames=9,
    width=112,
    height=64,
    steps=4,
    guidance=5.0,
    seed=1234,
    fps=8,
)


def ignore_steps(step: int, total: int) -> None:
    pass


def model_status() -> dict[str, Any]:
    """What this process's model cache holds for the current settings, read without
    loading anything (no production code needs this view; the tests check with it)."""
    key = (ModelConfig.from_settings(), os.getpid())
    cache = backends._cache
    model = cache.model if cache.key == key else None
    return {
        "name": key[0].name,
        "loaded": model is not None,
        "device": model.device if model else None,
        "dtype": model.dtype if model else None,
        "offload": model.offload if model else None,
        "load_seconds": round(model.load_seconds, 3) if model else None,
        "error": cache.error if cache.error_key == key else None,
    }


@pytest.fixture(scope="module")
def builtin() -> LoadedModel:
    return load_model(ModelConfig())


@pytest.fixture(autouse=True)
def fresh_cache(settings: SettingsWrapper) -> Iterator[None]:
    settings.GENERATION_MODEL = "builtin"
    settings.GENERATION_DEVICE = "cpu"
    settings.GENERATION_DTYPE = "auto"
    settings.GENERATION_OFFLOAD = "none"
    model_cache_clear()
    yield
    model_cache_clear()


@pytest.fixture
def decode_calls(builtin: LoadedModel, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts calls to the VAE's decode while still decoding for real."""
    calls: list[int] = []
    real_decode = builtin.pipeline.vae.decode

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real_decode(*args, **kwargs)

    monkeypatch.setattr(builtin.pipeline.vae, "decode", spy)
    return calls


def test_the_builtin_model_makes_uint8_frames_of_the_requested_shape(builtin: LoadedModel) -> None:
    frames = run_pipeline(model=builtin, params=PARAMS, on_step=ignore_steps)
    assert frames.shape == (9, 64, 112, 3)
    assert frames.dtype == np.uint8
    assert frames.std() > 1  # not a blank clip


def test_the_builtin_model_is_a_cpu_wan_pipeline_with_wan_caps(builtin: LoadedModel) -> None:
    assert type(builtin.pipeline).__name__ == "WanPipeline"
    assert (builtin.device, builtin.dtype, builtin.offload) == ("cpu", "float32", "none")
    assert builtin.caps.family == "wan"


def test_a_portrait_size_comes_out_portrait(builtin: LoadedModel) -> None:
    params = replace(PARAMS, width=64, height=112, num_frames=5)
    assert run_pipeline(model=builtin, params=params, on_step=ignore_steps).shape == (5, 112, 64, 3)


def test_unfitted_params_are_fitted_to_the_model_before_the_call(builtin: LoadedModel) -> None:
    params = replace(PARAMS, num_frames=10, width=100)
    assert run_pipeline(model=builtin, params=params, on_step=ignore_steps).shape == (9, 64, 96, 3)


def test_the_same_seed_gives_the_same_video_and_another_seed_a_different_one(
    builtin: LoadedModel,
) -> None:
    first = run_pipeline(model=builtin, params=PARAMS, on_step=ignore_steps)
    again = run_pipeline(model=builtin, params=PARAMS, on_step=ignore_steps)
    other = run_pipeline(model=builtin, params=replace(PARAMS, seed=4321), on_step=ignore_steps)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_the_builtin_weights_are_the_same_in_every_build() -> None:
    one: Any = builtin_pipeline()
    two: Any = builtin_pipeline()
    for a, b in zip(one.transformer.parameters(), two.transformer.parameters(), strict=True):
        assert torch.equal(a, b)
    assert not torch.equal(
        one.transformer.patch_embedding.weight.flatten()[:8],
        one.vae.decoder.conv_in.weight.flatten()[:8],
    )  # each module has its own seed, so no two share the same initial numbers


def test_on_step_is_called_once_per_step_in_order(
    builtin: LoadedModel, decode_calls: list[int]
) -> None:
    seen: list[tuple[int, int]] = []
    run_pipeline(
        model=builtin,
        params=replace(PARAMS, steps=5),
        on_step=lambda step, total: seen.append((step, total)),
    )
    assert seen == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert decode_calls == [1]


def test_interrupting_at_step_2_stops_the_run_before_the_vae_decodes(
    builtin: LoadedModel, decode_calls: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    freed: list[int] = []
    real_free = builtin.pipeline.maybe_free_model_hooks

    def free_spy() -> None:
        freed.append(1)
        real_free()

    monkeypatch.setattr(builtin.pipeline, "maybe_free_model_hooks", free_spy)
    seen: list[int] = []

    def cancel_at_two(step: int, total: int) -> None:
        seen.append(step)
        if step == 2:
            raise JobInterrupted("cancelled by the owner")

    with pytest.raises(JobInterrupted) as raised:
        run_pipeline(model=builtin, params=PARAMS, on_step=cancel_at_two)
    assert raised.value.reason == "cancelled by the owner"
    assert seen == [1, 2]
    assert decode_calls == []
    assert freed == [1]


def test_the_model_cache_returns_the_same_object_until_cleared() -> None:
    first = get_model()
    assert get_model() is first
    assert model_status()["loaded"] is True
    model_cache_clear()
    assert get_model() is not first


def test_changing_the_settings_loads_the_new_configuration(settings: SettingsWrapper) -> None:
    first = get_model()
    settings.GENERATION_DTYPE = "bfloat16"
    second = get_model()
    assert second is not first
    assert second.dtype == "bfloat16"
    assert second.pipeline.transformer.dtype == torch.bfloat16


def test_status_before_any_load_says_not_loaded_and_names_the_model() -> None:
    status = model_status()
    assert status["loaded"] is False
    assert status["name"] == "builtin"
    assert status["error"] is None


def test_a_missing_local_model_directory_gives_a_clear_error_and_status_shows_it(
    settings: SettingsWrapper, tmp_path: Path
) -> None:
    missing = str(tmp_path / "no-such-model")
    settings.GENERATION_MODEL = missing
    with pytest.raises(ModelLoadError) as raised:
        get_model()
    message = str(raised.value)
    assert message.startswith(
        f"Could not load GENERATION_MODEL={missing!r}: no such local directory"
    )
    assert "'builtin'" in message
    assert "Traceback" not in message
    status = model_status()
    assert status == {
        "name": missing,
        "loaded": False,
        "device": None,
        "dtype": None,
        "offload": None,
        "load_seconds": None,
        "error": message,
    }


def test_a_failed_load_is_not_retried_at_once(
    settings: SettingsWrapper, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.GENERATION_MODEL = str(tmp_path / "missing")
    attempts: list[ModelConfig] = []
    real_load = backends.load_model

    def counting_load(config: ModelConfig) -> LoadedModel:
        attempts.append(config)
        return real_load(config)

    monkeypatch.setattr(backends, "load_model", counting_load)
    for _ in range(3):
        with pytest.raises(ModelLoadError, match="no such local directory"):
            get_model()
    assert len(attempts) == 1
    settings.GENERATION_MODEL = "builtin"  # fixing the setting loads at once
    assert get_model().name == "builtin"
    assert model_status()["error"] is None


def test_a_folder_that_is_not_a_pipeline_is_refused_clearly(
    settings: SettingsWrapper, tmp_path: Path
) -> None:
    settings.GENERATION_MODEL = str(tmp_path)
    with pytest.raises(ModelLoadError, match=r"no model_index\.json"):
        get_model()


def test_an_uncached_hub_id_offline_says_it_is_not_in_the_cache(
    settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    settings.GENERATION_MODEL = "studio-tests/no-such-video-model"
    with pytest.raises(ModelLoadError) as raised:
        get_model()
    assert "not in the local Hugging Face cache and HF_HUB_OFFLINE is set" in str(raised.value)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a CUDA GPU")
def test_asking_for_cuda_without_a_gpu_says_so(settings: SettingsWrapper) -> None:
    settings.GENERATION_DEVICE = "cuda"
    with pytest.raises(ModelLoadError, match="sees no CUDA GPU"):
        get_model()


def test_a_bad_device_name_is_refused(settings: SettingsWrapper) -> None:
    settings.GENERATION_DEVICE = "gpu0"
    with pytest.raises(ModelLoadError, match="is not a device"):
        get_model()


def test_a_pipeline_saved_to_a_local_folder_loads_offline_and_matches_the_builtin(
    builtin: LoadedModel,
    settings: SettingsWrapper,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    folder = tmp_path / "tiny-wan"
    pipeline: Any = builtin_pipeline()
    pipeline.save_pretrained(folder)
    settings.GENERATION_MODEL = str(folder)
    loaded = get_model()
    assert type(loaded.pipeline).__name__ == "WanPipeline"
    assert loaded.caps.family == "wan"  # "wan" in the folder name
    # A loaded pipeline is called with Wan's default 512-token prompt length (the
    # built-in uses 32), so the pixels differ; the weights are the built-in ones.
    params = replace(PARAMS, steps=2)
    assert run_pipeline(model=loaded, params=params, on_step=ignore_steps).shape == (9, 64, 112, 3)
    assert torch.equal(
        loaded.pipeline.transformer.patch_embedding.weight,
        builtin.pipeline.transformer.patch_embedding.weight,
    )
