"""Provenance: the watermark, the C2PA manifest, the public id, and tracing a file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import c2pa
import numpy as np
import pytest
from django.core.management import call_command

from access.models import AuditEvent
from bench.watermark import crop, decode, encode, make_clip, psnr, resize
from generation import tasks
from generation.encoding import is_faststart
from generation.models import Video
from generation.provenance import watermark as wm
from generation.provenance.c2pa import (
    DIGITAL_SOURCE_TYPE,
    JOB_ASSERTION,
    _reader_settings,
    signing_material,
)
from generation.provenance.ids import job_id_from_public, public_id
from tests.jobs import make_job

KEY = wm.site_key("test-secret")
OTHER_KEY = wm.site_key("another-site")


@pytest.fixture(scope="module")
def natural_clip() -> np.ndarray:
    return make_clip(3, frames=33, height=320, width=576)


# --- the watermark -------------------------------------------------------------------


def test_the_mark_is_invisible_by_psnr(natural_clip) -> None:
    marked = wm.watermark_embed(frames=natural_clip, job_id=77, key=KEY)
    assert psnr(natural_clip, marked) >= 40.0
    assert marked.dtype == np.uint8 and marked.shape == natural_clip.shape


def test_a_marked_clip_names_its_job_after_crop_half_scale_and_crf28(
    natural_clip, tmp_path
) -> None:
    marked = wm.watermark_embed(frames=natural_clip, job_id=4242, key=KEY)
    stored = decode(encode(marked, tmp_path / "stored.mp4"))
    leaked = encode(resize(crop(stored), 0.5), tmp_path / "leak.mp4", crf=28)
    candidates = [*range(4000, 4300), 4242]
    found = wm.watermark_detect(path=leaked, key=KEY, candidates=candidates)
    assert found is not None and found.job_id == 4242
    assert found.scale == pytest.approx(0.5, abs=0.01)


def test_the_blind_stage_reads_a_lightly_compressed_clip_without_candidates(
    natural_clip, tmp_path
) -> None:
    marked = wm.watermark_embed(frames=natural_clip, job_id=987654, key=KEY)
    found = wm.watermark_detect(path=encode(marked, tmp_path / "v.mp4", crf=18), key=KEY)
    assert found is not None and found.job_id == 987654


def test_an_unmarked_clip_and_another_sites_key_match_nothing(natural_clip, tmp_path) -> None:
    candidates = list(range(1, 500))
    plain = encode(natural_clip, tmp_path / "plain.mp4", crf=23)
    assert wm.watermark_detect(path=plain, key=KEY, candidates=candidates) is None
    marked = encode(wm.watermark_embed(frames=natural_clip, job_id=42, key=KEY), tmp_path / "m.mp4")
    assert wm.watermark_detect(path=marked, key=OTHER_KEY, candidates=candidates) is None


def test_flat_areas_do_not_make_a_match(tmp_path) -> None:
    # Regression: a flat picture once gave NaN scores, which compared as a match.
    frames = np.full((9, 256, 448, 3), 128, dtype=np.uint8)
    for t in range(9):
        frames[t, 40:90, 20 + 10 * t : 70 + 10 * t] = 250
    path = encode(frames, tmp_path / "flat.mp4", crf=23)
    assert wm.watermark_detect(path=path, key=KEY, candidates=list(range(1, 100))) is None


def test_the_false_match_bound_follows_from_the_threshold() -> None:
    # Hoeffding: each (job, alignment) test passes by chance with exp(-z^2/2).
    for jobs in (1, 1000, 1_000_000):
        z = wm.informed_threshold(jobs)
        assert jobs * wm.DECODE_ATTEMPTS * np.exp(-(z**2) / 2) == pytest.approx(wm.INFORMED_TARGET)
        assert wm.false_match_bound(jobs) < 1e-6


def test_bad_input_is_refused_with_a_reason(tmp_path) -> None:
    with pytest.raises(wm.WatermarkError, match="uint8"):
        wm.watermark_embed(frames=np.zeros((2, 8, 8, 3), dtype=np.float32), job_id=1, key=KEY)
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all")
    with pytest.raises(wm.WatermarkError, match="could not be decoded"):
        wm.watermark_detect(path=junk, key=KEY)


# --- the public id ----------------------------------------------------------------------


def test_the_public_id_is_opaque_and_reversible_only_here(settings) -> None:
    ids = [public_id(n) for n in (1, 2, 3)]
    assert len(set(ids)) == 3 and all(i.startswith("job_") and "1" not in i[4:5] for i in ids)
    assert [job_id_from_public(i) for i in ids] == [1, 2, 3]
    tampered = ids[0][:-1] + ("a" if ids[0][-1] != "a" else "b")
    assert job_id_from_public(tampered) is None
    settings.SECRET_KEY = "rotated-" + settings.SECRET_KEY
    assert job_id_from_public(ids[0]) is None


# --- the stored video -----------------------------------------------------------------


def _manifest(data: bytes, mime: str) -> tuple[dict, str]:
    settings_json = _reader_settings(signing_material().trust_pem)
    context = c2pa.Context(settings=c2pa.Settings.from_json(settings_json))
    with c2pa.Reader(mime, io.BytesIO(data), context=context) as reader:
        return json.loads(reader.json()), str(reader.get_validation_state())


@pytest.fixture
def stored_video(alice) -> Video:
    job = make_job(alice, num_frames=9, width=112, height=64, steps=1, seed=5)
    assert tasks.job_run(job.pk) == "succeeded"
    return Video.objects.select_related("job", "owner").get(job=job)


def test_the_stored_mp4_and_poster_carry_a_valid_manifest_naming_the_job(stored_video) -> None:
    for field, mime in ((stored_video.file, "video/mp4"), (stored_video.poster, "image/jpeg")):
        data = field.read()
        store, state = _manifest(data, mime)
        assert state == "Trusted"
        results = store["validation_results"]["activeManifest"]
        assert results["failure"] == [] and store.get("validation_status", []) == []
        active = store["manifests"][store["active_manifest"]]
        by_label = {a["label"]: a["data"] for a in active["assertions"]}
        action = by_label["c2pa.actions.v2"]["actions"][0]
        assert action["action"] == "c2pa.created"
        assert action["digitalSourceType"] == DIGITAL_SOURCE_TYPE
        ours = by_label[JOB_ASSERTION]
        assert ours["job"] == public_id(stored_video.job_id)
        assert (ours["site"], ours["model"]) == ("Studio", "builtin")
        assert ours["created_at"].startswith(str(stored_video.created_at.year))
        assert b"alice" not in data  # the file travels: no email in it
    assert is_faststart(Path(stored_video.file.path))  # signing kept the index first


def test_a_tampered_video_fails_validation(stored_video) -> None:
    data = bytearray(stored_video.file.read())
    data[-200] ^= 0xFF  # inside the media data the manifest hashes
    store, state = _manifest(bytes(data), "video/mp4")
    assert state != "Trusted" and store["validation_results"]["activeManifest"]["failure"]


def test_with_c2pa_disabled_nothing_is_signed(alice, settings) -> None:
    settings.C2PA_ENABLED = False
    job = make_job(alice, num_frames=5, width=64, height=64, steps=1)
    assert tasks.job_run(job.pk) == "succeeded"
    data = Video.objects.get(job=job).file.read()
    with pytest.raises(c2pa.C2paError):
        _manifest(data, "video/mp4")


# --- trace ------------------------------------------------------------------------------


def _trace(path: Path, capsys) -> tuple[int, dict, str]:
    try:
        call_command("trace", str(path), "--json")
        status = 0
    except SystemExit as exc:
        status = int(exc.code or 0)
    out = capsys.readouterr().out.strip().splitlines()
    return status, json.loads(out[-1]), "\n".join(out[:-1])


def test_trace_reads_the_manifest_of_a_stored_file(stored_video, tmp_path, capsys) -> None:
    path = tmp_path / "found.mp4"
    path.write_bytes(stored_video.file.read())
    status, answer, _ = _trace(path, capsys)
    assert status == 0
    assert answer == {
        "job": stored_video.job_id,
        "user": "alice@example.com",
        "created_at": stored_video.job.created_at.isoformat(),
        "method": "c2pa",
        "confidence": 1.0,
    }
    event = AuditEvent.objects.get(action="provenance.trace")
    assert event.target == str(path) and event.details["job"] == stored_video.job_id


def test_trace_falls_back_to_the_watermark_when_the_manifest_is_stripped(
    stored_video, tmp_path, capsys
) -> None:
    frames = decode(Path(stored_video.file.path))  # re-encoding drops the manifest
    path = encode(frames, tmp_path / "reencoded.mp4", fps=8, crf=23)
    status, answer, _ = _trace(path, capsys)
    assert status == 0
    assert (answer["job"], answer["user"], answer["method"]) == (
        stored_video.job_id,
        "alice@example.com",
        "watermark",
    )
    assert 0.5 < answer["confidence"] <= 1.0


def test_trace_of_an_unknown_file_says_so_and_exits_1(db, tmp_path, capsys) -> None:
    path = encode(make_clip(9, frames=9, height=128, width=224), tmp_path / "x.mp4")
    status, answer, text = _trace(path, capsys)
    assert status == 1
    assert answer == {
        "job": None,
        "user": None,
        "created_at": None,
        "method": None,
        "confidence": 0.0,
    }
    assert "no watermark found" in text
    assert AuditEvent.objects.filter(action="provenance.trace", target=str(path)).count() == 1


def test_the_admin_trace_page_is_staff_only_and_names_the_maker(
    stored_video, staff_user, mod, client_for
) -> None:
    url = "/admin/generation/video/trace/"
    assert client_for(mod).get(url).status_code == 403
    client = client_for(staff_user)
    page = client.get(url)
    assert page.status_code == 200 and b"Trace a file" in page.content
    upload = io.BytesIO(stored_video.poster.read())
    upload.name = "poster-from-a-forum.jpg"
    token = client.cookies["csrftoken"].value
    response = client.post(url, {"file": upload, "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert b'id="trace-found"' in response.content and b"alice@example.com" in response.content
    event = AuditEvent.objects.get(action="provenance.trace")
    assert event.actor == staff_user and event.target == "poster-from-a-forum.jpg"


def test_the_visible_label_is_off_by_default_and_drawn_when_asked(alice, settings) -> None:
    from generation.provenance.marks import frames_mark

    job = make_job(alice)
    frames = np.full((3, 128, 224, 3), 40, dtype=np.uint8)
    settings.WATERMARK_ENABLED = False  # isolate the label
    assert np.array_equal(frames_mark(job=job, frames=frames), frames)
    settings.VISIBLE_WATERMARK = True
    labelled = frames_mark(job=job, frames=frames)
    changed = np.argwhere((labelled != frames).any(axis=(0, 3)))
    assert changed.size and changed[:, 0].min() > 64 and changed[:, 1].min() > 112  # corner
    assert labelled[:, 100:, 150:].max() > 180  # white text on the darkened box
