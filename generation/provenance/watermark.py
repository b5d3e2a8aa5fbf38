"""An invisible, keyed watermark that names the job, built from signal processing.

How it works (numpy and torch only, no learned weights):

- **Payload.** The job's id (32 bits) and a 32-bit tag, HMAC(key, id). Reed-Solomon
  adds 4 parity bytes (it corrects 2 wrong bytes), and the 12-byte codeword is XORed
  with a keyed stream so that no two ids give related patterns.
- **Pattern.** A 64x64-pixel tile of 16x16 "cells" of 4x4 pixels. Every cell carries
  one codeword bit (each bit sits in 2-3 cells, placed by a keyed permutation, with a
  keyed sign) plus a keyed +-1 *pilot* that is the same for every job. The tile is
  smoothed (what H.264 and downscaling would remove anyway costs PSNR and buys
  nothing) and repeated over the whole frame, identically in every frame, added to
  R, G and B alike (so only brightness changes) at an RMS of `AMPLITUDE` grey levels,
  which gives a PSNR of about 41 dB.
- **Why it survives.** Repetition across tiles and frames: the detector averages all
  frames and then every tile, so a 480x832x49 clip gives each cell thousands of
  looks. A crop only shifts the tile cyclically; a rescale changes its period.
- **Synchronisation.** The detector high-passes each frame (removing the picture,
  keeping the fine pattern), averages them, and for each candidate scale resamples
  the average back to the embedding scale, folds it onto one 64x64 tile and finds the
  cyclic shift by FFT cross-correlation with the pilot. Scales are searched over
  0.25x-2x (1% steps, then refined around the best), so crop, rescale and
  crop+rescale together need no side information.
- **Decision.** The best few (scale, shift) candidates are demodulated; a candidate
  counts only if Reed-Solomon decodes and the tag equals HMAC(key, id). Without the
  key the tag is a 32-bit pseudorandom value, so each attempt on an unmarked clip
  matches with probability 2^-32 and a file (at most `DECODE_ATTEMPTS` attempts) with
  at most `false_match_bound()` (about 1.9e-9). Nobody without the site's key can
  read the mark or make a valid one for another job.

Cost: marking is one tile add per frame. Detection cost depends on the clip's size,
not on the number of jobs: the payload carries the job id itself, authenticated by
the tag, so `trace` does one database lookup however many jobs there are.

torch and av are imported inside the detection functions only: marking runs in the
worker with numpy alone, and nothing that imports this module (the worker's parent,
web processes) should load torch (DESIGN.md: no CUDA before the fork).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from django.conf import settings
from reedsolo import ReedSolomonError, RSCodec

if TYPE_CHECKING:
    import torch

TILE = 128  # pixels per tile side at the embedding scale
CHIP = 8  # pixels per cell side
CELLS = TILE // CHIP  # cells per tile side
PAYLOAD_BYTES = 8  # 4-byte job id + 4-byte tag
PARITY_BYTES = 4
CODED_BITS = (PAYLOAD_BYTES + PARITY_BYTES) * 8
AMPLITUDE = 2.4  # RMS grey levels added: PSNR = 20*log10(255/2.4) = 40.5 dB before clipping
PILOT_SHARE = 0.6  # share of the amplitude in the pilot (sync); the rest carries bits
PATTERN_SIGMA = 2.0  # pixels of smoothing of the cell pattern
HIGHPASS_SIGMA = 4.0  # pixels (received scale) of the blur the detector subtracts
LOCAL_SIGMA = 8.0  # pixels over which the detector measures local activity
RESIDUAL_CLIP = 3.0  # robust clipping of the high-passed frame, in its own std devs
MAX_FRAMES = 24  # frames the detector reads (evenly spread)
SCALE_MIN, SCALE_MAX = 0.25, 2.0  # rescaling searched for
PERIOD_CANDIDATES = 4  # autocorrelation peaks refined
FINE_SPAN, FINE_STEPS = 0.01, 11  # +-1% around each, in 0.2% steps
DECODE_ATTEMPTS = 8
TAG_BITS = 32
INFORMED_TARGET = 1e-7  # false-match budget of the informed stage, per file
INFORMED_CHUNK = 20_000  # jobs whose codewords are compared at once
KEY_CONTEXT = b"studio-watermark-v1"


class WatermarkError(ValueError):
    """The input cannot carry or be searched for a mark (explains why)."""


@dataclass(frozen=True)
class Detection:
    job_id: int
    confidence: float  # share of the coded bits read correctly before correction
    scale: float
    shift: tuple[int, int]
    pilot_score: float  # pilot correlation peak over its noise, in standard deviations


def site_key(secret: str | bytes | None = None) -> bytes:
    """The watermark key, derived from SECRET_KEY (never the secret itself)."""
    if secret is None:
        secret = settings.SECRET_KEY
    raw = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(raw, KEY_CONTEXT, hashlib.sha256).digest()


def _prf(key: bytes, label: bytes, length: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += hmac.new(key, label + struct.pack(">I", counter), hashlib.sha256).digest()
        counter += 1
    return out[:length]


@dataclass(frozen=True)
class _Layout:
    """Everything keyed that is the same for every job."""

    pilot: np.ndarray  # (CELLS, CELLS) of +-1
    signs: np.ndarray  # (CELLS, CELLS) of +-1, multiplies the data bit
    bit_of_cell: np.ndarray  # (CELLS, CELLS) of codeword bit indexes
    whitening: bytes  # XORed onto the codeword
    pilot_tile: np.ndarray  # (TILE, TILE) smoothed pilot, unit RMS


def _layout(key: bytes) -> _Layout:
    seed = int.from_bytes(_prf(key, b"layout", 8), "big")
    rng = np.random.default_rng(seed)
    pilot = rng.choice(np.array([-1.0, 1.0]), size=(CELLS, CELLS))
    signs = rng.choice(np.array([-1.0, 1.0]), size=(CELLS, CELLS))
    bit_of_cell = (rng.permutation(CELLS * CELLS) % CODED_BITS).reshape(CELLS, CELLS)
    whitening = _prf(key, b"whitening", PAYLOAD_BYTES + PARITY_BYTES)
    return _Layout(pilot, signs, bit_of_cell, whitening, _unit(_cells_to_tile(pilot)))


def _unit(tile: np.ndarray) -> np.ndarray:
    return tile / float(np.sqrt(np.mean(tile**2)))


def _gaussian_circular(tile: np.ndarray, sigma: float) -> np.ndarray:
    freq_y = np.fft.fftfreq(tile.shape[0])[:, None]
    freq_x = np.fft.fftfreq(tile.shape[1])[None, :]
    transfer = np.exp(-2 * (math.pi * sigma) ** 2 * (freq_y**2 + freq_x**2))
    return np.real(np.fft.ifft2(np.fft.fft2(tile) * transfer))


def _cells_to_tile(cells: np.ndarray) -> np.ndarray:
    return _gaussian_circular(np.kron(cells, np.ones((CHIP, CHIP))), PATTERN_SIGMA)


def _tag(key: bytes, job_id: int) -> bytes:
    return hmac.new(key, b"tag" + struct.pack(">I", job_id), hashlib.sha256).digest()[:4]


def _codec():  # type: ignore[no-untyped-def]
    return RSCodec(PARITY_BYTES)


def _codeword(key: bytes, job_id: int, layout: _Layout) -> np.ndarray:
    if not 0 <= job_id < 2**32:
        raise WatermarkError(f"job id {job_id} does not fit the 32-bit payload")
    message = struct.pack(">I", job_id) + _tag(key, job_id)
    coded = bytes(_codec().encode(message))
    whitened = bytes(a ^ b for a, b in zip(coded, layout.whitening, strict=True))
    return np.unpackbits(np.frombuffer(whitened, dtype=np.uint8)).astype(np.float64)


def watermark_tile(*, job_id: int, key: bytes) -> np.ndarray:
    """The (TILE, TILE) float pattern for this job, RMS `AMPLITUDE` grey levels."""
    layout = _layout(key)
    bits = _codeword(key, job_id, layout)
    data_cells = (1.0 - 2.0 * bits[layout.bit_of_cell]) * layout.signs
    data_share = math.sqrt(1.0 - PILOT_SHARE**2)
    tile = PILOT_SHARE * layout.pilot_tile + data_share * _unit(_cells_to_tile(data_cells))
    return AMPLITUDE * tile


def watermark_embed(*, frames: np.ndarray, job_id: int, key: bytes | None = None) -> np.ndarray:
    """Return uint8 frames (F, H, W, 3) with the job's mark added; the input is untouched."""
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise WatermarkError(f"expected uint8 frames shaped (F, H, W, 3), not {frames.shape}")
    key = key if key is not None else site_key()
    height, width = frames.shape[1:3]
    tile = watermark_tile(job_id=job_id, key=key)
    reps = (math.ceil(height / TILE), math.ceil(width / TILE))
    delta = np.tile(tile, reps)[:height, :width, None].astype(np.float32)
    marked = np.empty_like(frames)
    for index, frame in enumerate(frames):  # frame by frame: a float copy of all is large
        marked[index] = np.clip(np.rint(frame + delta), 0, 255).astype(np.uint8)
    return marked


# --- detection --------------------------------------------------------------------


def luma_frames(path: Path, *, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """Luma (F, H, W) float32 of a video or image file, at most `max_frames` frames."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise WatermarkError(f"{path.name} has no video or picture in it")
            stream = container.streams.video[0]
            frames = [f.to_ndarray(format="gray") for f in container.decode(stream)]
    except av.error.FFmpegError as exc:
        raise WatermarkError(f"{path.name} could not be decoded as video or image: {exc}") from exc
    if not frames:
        raise WatermarkError(f"{path.name} has no decodable frames")
    if len(frames) > max_frames:
        keep = np.linspace(0, len(frames) - 1, max_frames).round().astype(int)
        frames = [frames[i] for i in keep]
    return np.stack(frames).astype(np.float32)


def _fast_size(n: int) -> int:
    """The next size with only the factors 2, 3 and 5: FFTs of other sizes are slow."""
    while True:
        rest = n
        for factor in (2, 3, 5):
            while rest % factor == 0:
                rest //= factor
        if rest == 1:
            return n
        n += 1


def _blur(images: torch.Tensor, sigma: float) -> torch.Tensor:
    """Gaussian blur of (N, H, W) through the FFT (cost independent of sigma), with
    mirrored borders so the picture's edges do not wrap around."""
    import torch
    import torch.nn.functional as F

    pad_y = min(int(3 * sigma) + 1, images.shape[1] - 1)
    pad_x = min(int(3 * sigma) + 1, images.shape[2] - 1)
    padded = F.pad(images[:, None], (pad_x, pad_x, pad_y, pad_y), mode="reflect")[:, 0]
    height, width = (_fast_size(n) for n in padded.shape[1:])
    freq_y = torch.fft.fftfreq(height)[:, None]
    freq_x = torch.fft.rfftfreq(width)[None, :]
    transfer = torch.exp(-2 * (math.pi * sigma) ** 2 * (freq_y**2 + freq_x**2))
    blurred = torch.fft.irfft2(
        torch.fft.rfft2(padded, s=(height, width)) * transfer, s=(height, width)
    )
    return blurred[:, pad_y : pad_y + images.shape[1], pad_x : pad_x + images.shape[2]]


def residual_mean(luma: np.ndarray) -> np.ndarray:
    """Average over frames of the high-passed, robustly clipped frames: the pattern
    stays (it is the same in every frame), the moving picture averages away."""
    import torch

    with torch.no_grad():
        frames = torch.from_numpy(luma)
        residual = frames - _blur(frames, HIGHPASS_SIGMA)
        spread = residual.flatten(1).std(dim=1).clamp(min=1e-3)[:, None, None]
        limit = RESIDUAL_CLIP * spread
        residual = torch.maximum(torch.minimum(residual, limit), -limit)
        # Weigh each pixel by how quiet the picture is around it: edges and texture
        # are noise to the detector, flat areas carry the pattern more cleanly.
        # (The FFT blur can dip a hair below zero where the picture is flat.)
        local = _blur(residual**2, LOCAL_SIGMA).clamp(min=0).sqrt() + spread * 0.1
        residual = residual / local
        return residual.mean(dim=0).numpy().astype(np.float64)


def _fold(residual: np.ndarray, scale: float) -> np.ndarray:
    """Resample to the embedding scale and average every tile onto one (TILE, TILE)."""
    import torch
    import torch.nn.functional as F

    if scale != 1.0:
        image = torch.from_numpy(residual)[None, None]
        resized = F.interpolate(
            image,
            scale_factor=1.0 / scale,
            mode="bilinear",
            align_corners=False,
            recompute_scale_factor=False,
        )
        residual = resized[0, 0].numpy()
    height, width = residual.shape
    rows = np.arange(height) % TILE
    cols = np.arange(width) % TILE
    index = (rows[:, None] * TILE + cols[None, :]).ravel()
    sums = np.bincount(index, weights=residual.ravel(), minlength=TILE * TILE)
    counts = np.bincount(index, minlength=TILE * TILE)
    return (sums / np.maximum(counts, 1)).reshape(TILE, TILE)


def _pilot_peak(folded: np.ndarray, pilot_fft: np.ndarray) -> tuple[float, tuple[int, int]]:
    corr = np.real(np.fft.ifft2(np.fft.fft2(folded) * np.conj(pilot_fft)))
    flat = int(np.argmax(corr))
    dy, dx = divmod(flat, TILE)
    spread = float(corr.std()) or 1e-12
    return float((corr.flat[flat] - corr.mean()) / spread), (dy, dx)


def _scan(residual: np.ndarray, scales: np.ndarray, pilot_fft: np.ndarray) -> list:  # type: ignore[type-arg]
    found = []
    for scale in scales:
        if min(residual.shape) / scale < CHIP * 4:
            continue
        score, shift = _pilot_peak(_fold(residual, float(scale)), pilot_fft)
        found.append((score, float(scale), shift))
    return sorted(found, reverse=True)


def _lag_value(table: np.ndarray, dy: float, dx: float) -> float:
    y0, x0 = int(dy), int(dx)
    fy, fx = dy - y0, dx - x0
    patch = table[y0 : y0 + 2, x0 : x0 + 2]
    return float(
        patch[0, 0] * (1 - fy) * (1 - fx)
        + patch[1, 0] * fy * (1 - fx)
        + patch[0, 1] * (1 - fy) * fx
        + patch[1, 1] * fy * fx
    )


def _period_scales(residual: np.ndarray) -> list[float]:
    """Candidate scales from the autocorrelation: the tile repeats every TILE*scale
    pixels, so the autocorrelation has peaks at that lag along both axes."""
    height, width = residual.shape
    spectrum = np.fft.rfft2(residual, s=(2 * height, 2 * width))
    auto = np.fft.irfft2(np.abs(spectrum) ** 2, s=(2 * height, 2 * width))[:height, :width]
    overlap = np.outer(height - np.arange(height), width - np.arange(width))
    auto = auto / overlap / max(float(auto[0, 0]) / (height * width), 1e-12)
    periods = np.arange(TILE * SCALE_MIN, TILE * SCALE_MAX, 0.25)
    scores = []
    for period in periods:
        values = [
            _lag_value(auto, period, 0.0) if period < 0.9 * height - 1 else None,
            _lag_value(auto, 0.0, period) if period < 0.9 * width - 1 else None,
        ]
        present = [v for v in values if v is not None]
        scores.append(float(np.mean(present)) if present else -np.inf)
    ranked = np.asarray(scores)
    peaks = [
        i
        for i in range(1, len(ranked) - 1)
        if ranked[i] >= ranked[i - 1] and ranked[i] >= ranked[i + 1] and np.isfinite(ranked[i])
    ]
    peaks.sort(key=lambda i: ranked[i], reverse=True)
    return [float(periods[i]) / TILE for i in peaks[:PERIOD_CANDIDATES]]


def _candidates(residual: np.ndarray, layout: _Layout) -> list:  # type: ignore[type-arg]
    pilot_fft = np.fft.fft2(layout.pilot_tile)
    found = _scan(residual, np.array([1.0]), pilot_fft)
    for scale in _period_scales(residual):
        fine = scale * (1 + np.linspace(-FINE_SPAN, FINE_SPAN, FINE_STEPS))
        found.extend(_scan(residual, fine, pilot_fft)[:3])
    return sorted(found, reverse=True)[:DECODE_ATTEMPTS]


def _demodulate(folded: np.ndarray, shift: tuple[int, int], layout: _Layout) -> np.ndarray:
    aligned = np.roll(folded, (-shift[0], -shift[1]), axis=(0, 1))
    matched = _gaussian_circular(aligned, PATTERN_SIGMA)  # the pattern's own smoothing
    cells = matched.reshape(CELLS, CHIP, CELLS, CHIP).sum(axis=(1, 3))
    # Take the pilot out: it is known, and it would otherwise bias every bit.
    cells = cells - (np.sum(cells * layout.pilot) / layout.pilot.size) * layout.pilot
    soft = np.zeros(CODED_BITS)
    np.add.at(soft, layout.bit_of_cell.ravel(), (cells * layout.signs).ravel())
    return soft  # positive means bit 0 (sign +1), negative bit 1


def _decode(soft: np.ndarray, key: bytes, layout: _Layout) -> tuple[int, float] | None:
    bits = (soft < 0).astype(np.uint8)
    received = bytes(np.packbits(bits))
    coded = bytes(a ^ b for a, b in zip(received, layout.whitening, strict=True))
    try:
        message = bytes(_codec().decode(coded)[0])
    except ReedSolomonError:
        return None
    job_id = struct.unpack(">I", message[:4])[0]
    if not hmac.compare_digest(message[4:], _tag(key, job_id)):
        return None
    agreement = float(np.mean(_codeword(key, job_id, layout) == bits))
    return job_id, agreement


def informed_threshold(candidates: int) -> float:
    """The normalised correlation a job's codeword must reach with the bits read, when
    `candidates` jobs are each tested at DECODE_ATTEMPTS alignments, so that an
    unmarked file matches with probability at most INFORMED_TARGET.

    Why this holds: each job's codeword is whitened by a keyed PRF, so against the soft
    values c read from an unmarked file its signs s are independent fair coins, and
    Hoeffding gives P(sum s*c >= z * |c|) <= exp(-z^2 / 2) for each test."""
    tests = max(1, candidates) * DECODE_ATTEMPTS
    return math.sqrt(2 * math.log(tests / INFORMED_TARGET))


def false_match_bound(candidates: int = 0) -> float:
    """Upper bound on the chance that one unmarked file matches: the blind stage's
    tag check, plus (when `candidates` jobs are tested) the informed stage."""
    bound = DECODE_ATTEMPTS * 2.0**-TAG_BITS
    if candidates:
        z = informed_threshold(candidates)
        bound += candidates * DECODE_ATTEMPTS * math.exp(-(z**2) / 2)
    return bound


def informed_scores(
    readings: list[tuple[float, float, tuple[int, int], np.ndarray]],
    candidates: list[int],
    key: bytes,
    layout: _Layout,
) -> np.ndarray:
    """(len(readings), len(candidates)) normalised correlations, in chunks of jobs so
    that a large site's codewords never all sit in memory at once."""
    scores = np.empty((len(readings), len(candidates)))
    softs = np.stack([soft / max(float(np.linalg.norm(soft)), 1e-12) for *_, soft in readings])
    for start in range(0, len(candidates), INFORMED_CHUNK):
        chunk = candidates[start : start + INFORMED_CHUNK]
        signs = 1.0 - 2.0 * np.stack([_codeword(key, job_id, layout) for job_id in chunk])
        scores[:, start : start + len(chunk)] = softs @ signs.T
    return scores


def _informed(
    readings: list[tuple[float, float, tuple[int, int], np.ndarray]],
    candidates: list[int],
    key: bytes,
    layout: _Layout,
) -> Detection | None:
    if not candidates or not readings:
        return None
    scores = informed_scores(readings, candidates, key, layout)
    if not np.isfinite(scores).all():  # never a match by accident of arithmetic
        raise WatermarkError("the detector's scores are not finite numbers; please report this")
    row, column = np.unravel_index(int(np.argmax(scores)), scores.shape)
    if scores[row, column] < informed_threshold(len(candidates)):
        return None
    score, scale, shift, soft = readings[int(row)]
    job_id = candidates[int(column)]
    truth = _codeword(key, job_id, layout)
    agreement = float(np.mean((soft < 0) == truth.astype(bool)))
    return Detection(job_id, agreement, scale, shift, score)


def watermark_detect_luma(
    *, luma: np.ndarray, key: bytes | None = None, candidates: list[int] | None = None
) -> Detection | None:
    """Search decoded luma frames (F, H, W) for a valid mark; None when there is none.

    First blind: Reed-Solomon and the tag name the job. When that fails and
    `candidates` (job ids) are given, informed: every candidate's codeword is
    compared with the bits read, and the best counts if enough bits agree."""
    key = key if key is not None else site_key()
    if luma.ndim != 3 or min(luma.shape[1:]) < CHIP * 4:
        raise WatermarkError(f"frames of {luma.shape[1:]} pixels are too small to search")
    layout = _layout(key)
    readings = []
    for score, scale, shift, soft in watermark_readings(luma, layout):
        found = _decode(soft, key, layout)
        if found is not None:
            job_id, agreement = found
            return Detection(job_id, agreement, scale, shift, score)
        readings.append((score, scale, shift, soft))
    return _informed(readings, list(candidates or []), key, layout)


def watermark_readings(luma: np.ndarray, layout: _Layout):  # type: ignore[no-untyped-def]
    """(pilot score, scale, shift, soft bits) at each of the best alignments."""
    residual = residual_mean(luma)
    for score, scale, shift in _candidates(residual, layout):
        yield score, scale, shift, _demodulate(_fold(residual, scale), shift, layout)


def watermark_detect(
    *, path: Path, key: bytes | None = None, candidates: list[int] | None = None
) -> Detection | None:
    """Search a video or image file for a valid mark (see watermark_detect_luma)."""
    return watermark_detect_luma(luma=luma_frames(path), key=key, candidates=candidates)
