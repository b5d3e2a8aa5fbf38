"""Property-based fuzzing (hypothesis) of the Range parser, the submission form and
the JSON API: whatever comes in, the answer is a value or a 4xx, never a crash,
and a refused request writes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from generation.forms import GenerationForm
from generation.media import RangeNotSatisfiable, parse_range
from generation.models import Job

FIELDS = [
    "prompt",
    "negative_prompt",
    "aspect",
    "resolution",
    "duration",
    "num_frames",
    "steps",
    "guidance",
    "seed",
    "variations",
]

# Numbers as JSON gives them: huge integers, floats of every kind, numeric strings.
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.from_regex(r"-?[0-9]{0,500}(\.[0-9]{0,50})?(e-?[0-9]{1,4})?", fullmatch=True),
)
texts = st.text(alphabet=st.characters(codec=None), max_size=300)  # surrogates included
json_scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
submissions = st.dictionaries(
    st.sampled_from(FIELDS) | texts, json_scalars | json_values, max_size=len(FIELDS) + 2
)
positions = st.one_of(
    st.just(""),
    st.integers(min_value=0, max_value=10**20).map(str),
    st.integers(min_value=4000, max_value=6000).map(lambda n: "9" * n),  # past int()'s limit
)
range_headers = st.one_of(
    st.text(max_size=60),
    st.builds(lambda a, b: f"bytes={a}-{b}", positions, positions),
)


@hypothesis_settings(max_examples=200, deadline=None)
@given(header=range_headers, size=st.integers(min_value=0, max_value=10**12))
def test_parse_range_gives_a_range_inside_the_file_none_or_416(header: str, size: int) -> None:
    try:
        result = parse_range(header, size)
    except RangeNotSatisfiable:
        return
    if result is not None:
        first, last = result
        assert 0 <= first <= last < size


@pytest.mark.django_db
@hypothesis_settings(max_examples=100, deadline=None)
@given(data=submissions)
def test_the_form_validates_anything_without_raising(data: dict[str, Any]) -> None:
    form = GenerationForm(data)
    if not form.is_valid():
        assert form.errors
        return
    submission = form.to_submission()
    params = submission.params
    assert 1 <= params.steps <= settings.GENERATION_MAX_STEPS
    assert 0 <= params.guidance <= settings.GENERATION_MAX_GUIDANCE
    assert 1 <= submission.variations <= settings.GENERATION_MAX_VARIATIONS
    assert len(params.prompt) <= settings.GENERATION_MAX_PROMPT_CHARS
    params.prompt.encode()  # storable: no lone surrogates left


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.one_of(submissions, json_values))
def test_the_api_answers_anything_with_201_or_a_json_4xx(alice, body: Any) -> None:
    client = Client(raise_request_exception=True)  # a crash fails the example
    client.force_login(alice)
    before = Job.objects.count()
    raw = json.dumps(body)  # hypothesis' lone surrogates survive as \\udXXX escapes
    response = client.post("/api/v1/jobs", data=raw, content_type="application/json")
    assert response.status_code in (201, 400, 403, 413, 429), response.content[:300]
    if response.status_code == 201:
        assert Job.objects.count() > before
        return
    assert Job.objects.count() == before
    error = response.json()["error"]
    assert error["code"] and error["message"]
