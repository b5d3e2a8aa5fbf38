"""The submission form, shared by the create page, remix and the JSON API.

The form checks ranges and turns the request into a `Submission`; the model's
own rounding (frame multiples, preset sizes) happens in services.submission_fit,
which reports every adjustment so the artist sees what actually ran.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from generation.models import Job, ModelEntry
from generation.params import GenerationParams, ModelCaps, caps_for
from generation.services import (
    MAX_SEED,
    Submission,
    random_seed,
    remix_params,
    submission_fit,
)

ASPECT_LABELS = {"16:9": "16:9 landscape", "9:16": "9:16 portrait", "1:1": "1:1 square"}
DEFAULT_GUIDANCE = 5.0


def size_value(width: int, height: int) -> str:
    return f"{width}x{height}"


def size_label(index: int, count: int, width: int, height: int) -> str:
    names = {1: ["standard"], 2: ["small", "large"], 3: ["small", "medium", "large"]}
    name = names[count][index] if count in names else f"size {index + 1}"
    return f"{width}\u00d7{height} ({name})"  # a multiplication sign


def model_caps() -> ModelCaps:
    return caps_for(settings.GENERATION_MODEL)


class TextField(forms.CharField):
    """Text the database can store: a lone UTF-16 surrogate (valid in JSON, not in
    UTF-8) is refused with a message instead of failing the INSERT."""

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if isinstance(text, str) and any("\ud800" <= char <= "\udfff" for char in text):
            raise forms.ValidationError(
                "This text contains an invalid character (a lone surrogate). "
                "Remove it and try again.",
                code="invalid_character",
            )
        return text


class NumberField(forms.FloatField):
    """A float field that answers "Enter a number" for numbers no float can hold
    (a JSON integer with hundreds of digits raises OverflowError in float())."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class GenerationForm(forms.Form):
    """Every field but the prompt may be left blank: blank means the default."""

    def __init__(
        self,
        *args: Any,
        caps: ModelCaps | None = None,
        models: list[ModelEntry] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.caps = caps or model_caps()
        self.fps = settings.GENERATION_FPS
        self.max_frames = min(settings.GENERATION_MAX_FRAMES, self.caps.max_frames)
        self.fields.update(self._build_fields())
        self.models = {entry.name: entry for entry in models or []}
        if self.models:  # a catalogue with live workers: the person picks one
            self.fields["model"] = forms.ChoiceField(
                choices=[(e.name, e.display_name) for e in self.models.values()],
                initial=next(iter(self.models)),
                label="Model",
            )

    def _build_fields(self) -> dict[str, forms.Field]:
        max_chars = settings.GENERATION_MAX_PROMPT_CHARS
        too_long = "Keep this under %(limit_value)d characters (it has %(show_value)d)."
        longest = self.max_frames / self.fps
        return {
            "prompt": TextField(
                max_length=max_chars,
                widget=forms.Textarea(
                    attrs={
                        "rows": 4,
                        "placeholder": "A paper boat drifting down a rainy street at dusk",
                    }
                ),
                error_messages={"required": "Describe the video you want.", "max_length": too_long},
            ),
            "negative_prompt": TextField(
                required=False,
                max_length=max_chars,
                label="Avoid",
                widget=forms.Textarea(attrs={"rows": 2, "placeholder": "blurry, text, watermark"}),
                error_messages={"max_length": too_long},
            ),
            "aspect": forms.ChoiceField(
                required=False,
                choices=[
                    (aspect, ASPECT_LABELS.get(aspect, aspect)) for aspect in self.caps.presets
                ],
                initial=self.caps.default_aspect,
                error_messages={"invalid_choice": "Choose one of the listed aspect ratios."},
            ),
            "resolution": forms.ChoiceField(
                required=False,
                label="Size",
                choices=self._resolution_choices(),
                error_messages={"invalid_choice": "Choose one of the listed sizes."},
            ),
            "duration": NumberField(
                required=False,
                label="Duration (seconds)",
                min_value=round(1 / self.fps, 3),
                max_value=round(longest, 3),
                help_text=f"Up to {longest:.1f} s at {self.fps} fps. Or give a frame count.",
                error_messages={
                    "min_value": "A video needs at least one frame.",
                    "max_value": f"The longest video is {longest:.1f} seconds.",
                },
            ),
            "num_frames": forms.IntegerField(
                required=False,
                label="Frames",
                min_value=1,
                max_value=self.max_frames,
                widget=forms.NumberInput(
                    attrs={"placeholder": f"{settings.GENERATION_DEFAULT_FRAMES} (default)"}
                ),
                error_messages={
                    "min_value": "A video needs at least one frame.",
                    "max_value": f"At most {self.max_frames} frames.",
                },
            ),
            "steps": forms.IntegerField(
                required=False,
                min_value=1,
                max_value=settings.GENERATION_MAX_STEPS,
                initial=settings.GENERATION_DEFAULT_STEPS,
                help_text="More steps: more detail, longer wait.",
                error_messages={
                    "min_value": "At least one step.",
                    "max_value": f"At most {settings.GENERATION_MAX_STEPS} steps.",
                },
            ),
            "guidance": NumberField(
                required=False,
                min_value=0,
                max_value=settings.GENERATION_MAX_GUIDANCE,
                initial=DEFAULT_GUIDANCE,
                help_text="How closely to follow the prompt.",
                widget=forms.NumberInput(attrs={"step": "0.5"}),
                error_messages={
                    "min_value": "Guidance cannot be negative.",
                    "max_value": f"Guidance is at most {settings.GENERATION_MAX_GUIDANCE:g}.",
                },
            ),
            "seed": forms.IntegerField(
                required=False,
                min_value=0,
                max_value=MAX_SEED,
                help_text="Blank for a random seed; the one used is recorded.",
                error_messages={
                    "min_value": "A seed is a whole number from 0.",
                    "max_value": f"A seed is at most {MAX_SEED}.",
                },
            ),
            "variations": forms.IntegerField(
                required=False,
                min_value=1,
                max_value=settings.GENERATION_MAX_VARIATIONS,
                initial=1,
                help_text="Each variation uses the next seed.",
                error_messages={
                    "min_value": "At least one variation.",
                    "max_value": (
                        f"At most {settings.GENERATION_MAX_VARIATIONS} variations at once."
                    ),
                },
            ),
        }

    def _resolution_choices(self) -> list[tuple[str, Any]]:
        """Sizes grouped by aspect; the page's script shows the chosen aspect's group."""
        groups: list[tuple[str, Any]] = [("", "Default for the aspect")]
        for aspect, sizes in self.caps.presets.items():
            options = [
                (size_value(w, h), size_label(i, len(sizes), w, h))
                for i, (w, h) in enumerate(sizes)
            ]
            groups.append((aspect, options))
        return groups

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data is None:  # pragma: no cover - Form.clean always returns the data
            return {}
        self._clean_size(data)
        self._clean_length(data)
        if self.data.get("model") and "model" not in self.fields:
            # Asked for a catalogue model this person may not use (or nobody serves now).
            self.add_error(None, "That model is not available to you now; choose another.")
        return data

    def _clean_size(self, data: dict[str, Any]) -> None:
        aspect = data.get("aspect") or self.caps.default_aspect
        data["aspect"] = aspect
        if aspect not in self.caps.presets:
            return  # the aspect field already has its error
        sizes = self.caps.presets[aspect]
        chosen = data.get("resolution")
        if not chosen:
            data["width"], data["height"] = sizes[0]
            return
        for width, height in sizes:
            if size_value(width, height) == chosen:
                data["width"], data["height"] = width, height
                return
        allowed = ", ".join(size_value(w, h) for w, h in sizes)
        self.add_error("resolution", f"For {aspect} choose one of these sizes: {allowed}.")

    def _clean_length(self, data: dict[str, Any]) -> None:
        duration, frames = data.get("duration"), data.get("num_frames")
        if "duration" in self.errors or "num_frames" in self.errors:
            return
        if duration is not None and frames is not None:
            self.add_error("duration", "Give a duration or a frame count, not both.")
            return
        if duration is not None:
            frames = min(self.max_frames, max(1, round(duration * self.fps)))
        data["frames"] = frames if frames is not None else settings.GENERATION_DEFAULT_FRAMES

    def value_or_default(self, name: str) -> Any:
        value = self.cleaned_data.get(name)
        return self.fields[name].initial if value is None else value

    def to_submission(self) -> Submission:
        """The validated request, fitted to the model (call after is_valid())."""
        data = self.cleaned_data
        seed = data.get("seed")
        seed_was_random = seed is None
        params = GenerationParams(
            prompt=data["prompt"],
            negative_prompt=data.get("negative_prompt", ""),
            num_frames=data["frames"],
            width=data["width"],
            height=data["height"],
            steps=self.value_or_default("steps"),
            guidance=float(self.value_or_default("guidance")),
            seed=random_seed() if seed is None else seed,
            fps=self.fps,
        )
        entry = self.models.get(data.get("model", ""))
        return submission_fit(
            params=params,
            aspect=data["aspect"],
            variations=self.value_or_default("variations"),
            seed_was_random=seed_was_random,
            model_name=entry.name if entry else "",
            model_source=entry.source if entry else "",
        )


def remix_initial(job: Job, caps: ModelCaps | None = None) -> dict[str, Any]:
    """Form values that repeat `job`'s settings (the artist can change any of them)."""
    caps = caps or model_caps()
    params = remix_params(job)
    sizes = caps.presets.get(job.aspect, [])
    size = size_value(params.width, params.height)
    return {
        "prompt": params.prompt,
        "negative_prompt": params.negative_prompt,
        "aspect": job.aspect if job.aspect in caps.presets else caps.default_aspect,
        "resolution": size if (params.width, params.height) in sizes else "",
        "num_frames": params.num_frames,
        "steps": params.steps,
        "guidance": params.guidance,
        "seed": params.seed,
        "variations": 1,
    }
