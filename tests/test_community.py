"""The community gallery: author names, search, sort, and revoked people's videos."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access.services import person_restore, person_revoke
from generation.models import Job
from tests.jobs import csrf_token
from tests.people import signed_in_client
from tests.test_media import make_video

pytestmark = pytest.mark.django_db


def community(user: User, query: str = "") -> str:
    return str(signed_in_client(user).get(reverse("community") + query).content.decode())


def test_tiles_name_the_author_not_their_email(alice: User, bob: User) -> None:
    make_video(alice, prompt="a heron at dawn", shared=True)
    page = community(bob)
    assert "by alice" in page
    assert "alice@example.com" not in page


def test_search_needs_every_word_in_the_prompt(alice: User, bob: User) -> None:
    make_video(alice, prompt="Rain on a neon street at night", shared=True)
    make_video(alice, prompt="A sunny street market", shared=True)
    make_video(alice, prompt="Rain over the sea", shared=True)
    page = community(bob, "?q=street+RAIN")
    assert "Rain on a neon street" in page
    assert "sunny street market" not in page and "Rain over the sea" not in page
    empty = community(bob, "?q=volcano")
    assert "No shared video has “volcano” in its prompt." in empty


def test_most_remixed_sorts_by_remixes(alice: User, bob: User) -> None:
    popular = make_video(alice, prompt="popular-one", shared=True)
    make_video(alice, prompt="newest-one", shared=True)
    client = signed_in_client(bob)
    token = csrf_token(client)
    for prompt in ("remix a", "remix b"):
        client.post(
            reverse("job_create"),
            {
                "csrfmiddlewaretoken": token,
                "prompt": prompt,
                "remix_of": str(popular.pk),
                "aspect": "16:9",
                "steps": "2",
                "guidance": "5",
                "variations": "1",
            },
        )
    assert Job.objects.filter(remix_of=popular).count() == 2
    newest = community(bob)
    assert newest.index("newest-one") < newest.index("popular-one")
    remixed = community(bob, "?sort=remixed")
    assert remixed.index("popular-one") < remixed.index("newest-one")
    assert "remixed 2\u00d7" in remixed


def test_a_remix_of_a_video_i_may_not_see_is_not_recorded(alice: User, bob: User) -> None:
    private = make_video(alice, prompt="private-one")
    client = signed_in_client(bob)
    response = client.post(
        reverse("job_create"),
        {
            "csrfmiddlewaretoken": csrf_token(client),
            "prompt": "sneaky",
            "remix_of": str(private.pk),
            "aspect": "16:9",
            "steps": "2",
            "guidance": "5",
            "variations": "1",
        },
    )
    assert response.status_code == 302
    assert Job.objects.get(prompt="sneaky").remix_of is None


def test_a_revoked_persons_videos_leave_at_once_and_return_on_restore(
    alice: User, bob: User, staff_user: User
) -> None:
    video = make_video(alice, prompt="alice-shared", shared=True)
    detail = reverse("video_detail", args=[video.pk])
    person_revoke(user=alice, by=staff_user, reason="Leaked a token.")
    assert "alice-shared" not in community(bob)
    assert signed_in_client(bob).get(detail).status_code == 404
    person_restore(user=alice, by=staff_user)
    assert "alice-shared" in community(bob)
    assert signed_in_client(bob).get(detail).status_code == 200


@pytest.mark.parametrize("sort", ["newest", "remixed"])
def test_the_query_count_does_not_grow_with_the_page(
    alice: User, bob: User, sort: str, settings: Any
) -> None:
    client = signed_in_client(bob)
    client.get(reverse("community"))  # session and first-request work out of the way
    url = reverse("community") + f"?sort={sort}&q=tile"
    make_video(alice, prompt="tile 1", shared=True)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(2, 7):
        make_video(alice, prompt=f"tile {n}", shared=True)
    with CaptureQueriesContext(connection) as six:
        page = client.get(url).content.decode()
    assert "tile 6" in page
    assert len(page_queries(six)) == len(page_queries(one))


def page_queries(captured: CaptureQueriesContext) -> list[str]:
    # allauth's session tracking writes now and then (throttled by time), whatever
    # the page: not the page's own queries.
    noise = ("django_session", "usersessions_usersession")
    return [q["sql"] for q in captured.captured_queries if not any(n in q["sql"] for n in noise)]
