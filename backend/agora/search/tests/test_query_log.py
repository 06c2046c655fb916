"""Searches that found nothing or little are sampled (no personal data) and listed for staff,
so they can add synonyms and stop words."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agora.search import querylog
from agora.search.models import SearchQueryStat
from agora.search.services import search_query_log_flush
from agora.search.types import SearchResult
from testing.clients import client_for

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/search/"
QUERIES = "/api/v1/moderation/search/queries/"


@pytest.fixture
def sample_all(settings):
    settings.SEARCH_QUERY_LOG_SAMPLE_RATE = 1.0
    settings.SEARCH_QUERY_LOG_LOW_RESULTS = 1


def stats():
    return sorted(SearchQueryStat.objects.values_list("query", "kind", "count"))


def test_zero_partial_and_low_result_searches_are_counted_and_flushed(api_client, catalog, sample_all):
    # Given shoppers' searches: nothing found (twice), a word left out, one result, plenty
    for q in ("Velvet Sofa", "velvet  sofa", "ceramic sofa", "oak", "ceramic"):
        assert api_client.get(SEARCH, {"q": q}).status_code == 200
    # Nothing is written to the database on the request path
    assert not SearchQueryStat.objects.exists()
    # When the beat task flushes the buffer
    assert search_query_log_flush() == 3
    # Then each query is counted under its kind, lower-cased, once per day
    assert stats() == [("ceramic sofa", "partial", 1), ("oak", "low", 1), ("velvet sofa", "zero", 2)]
    assert set(SearchQueryStat.objects.values_list("day", flat=True)) == {timezone.now().date()}
    # And a second flush adds to the same rows
    api_client.get(SEARCH, {"q": "velvet sofa"})
    search_query_log_flush()
    assert ("velvet sofa", "zero", 3) in stats()


def test_only_first_pages_of_typed_searches_are_sampled(api_client, catalog, sample_all):
    api_client.get(SEARCH, {"q": "velvet sofa", "exact": "true"})  # a click on "search instead for"
    api_client.get(SEARCH, {"q": "", "category": "nothing-here"})  # a listing, not a search
    api_client.get(SEARCH, {"q": "ceramic", "page": "2", "page_size": "2"})  # browsing on
    search_query_log_flush()
    assert stats() == []


@pytest.mark.parametrize(
    "q",
    ["ada@example.com", "call 0612 345 678", "order AG7K3M9Q2X", "4111 1111 1111 1111"],
)
def test_queries_that_may_hold_personal_data_are_never_recorded(api_client, catalog, sample_all, q):
    api_client.get(SEARCH, {"q": q})
    search_query_log_flush()
    assert stats() == []


def test_the_sample_rate_decides_how_many_are_counted(settings, monkeypatch):
    empty = SearchResult(total=0, results=[])
    settings.SEARCH_QUERY_LOG_SAMPLE_RATE = 0.25
    monkeypatch.setattr(querylog.random, "random", lambda: 0.3)
    assert querylog.record("velvet sofa", empty) is False
    monkeypatch.setattr(querylog.random, "random", lambda: 0.2)
    assert querylog.record("velvet sofa", empty) is True
    settings.SEARCH_QUERY_LOG_SAMPLE_RATE = 0
    monkeypatch.setattr(querylog.random, "random", lambda: 0.0)
    assert querylog.record("velvet sofa", empty) is False


def test_a_dead_redis_loses_a_sample_not_the_search(api_client, catalog, sample_all, monkeypatch):
    def down():
        raise ConnectionError("redis is down")

    monkeypatch.setattr(querylog, "_redis", down)
    assert api_client.get(SEARCH, {"q": "velvet sofa"}).status_code == 200


def test_a_flush_that_died_after_taking_the_counts_loses_nothing(sample_all, monkeypatch):
    empty = SearchResult(total=0, results=[])
    querylog.record("velvet sofa", empty)
    taken = querylog.take()
    assert taken == {(timezone.now().date().isoformat(), "velvet sofa", "zero"): 1}
    querylog.record("velvet sofa", empty)  # a search while the flush died
    # the next flush stores what the dead one took, then the newer count
    assert search_query_log_flush() == 1
    assert search_query_log_flush() == 1
    assert stats() == [("velvet sofa", "zero", 2)]


def test_old_rows_are_deleted_by_the_flush(settings):
    settings.SEARCH_QUERY_LOG_DAYS = 90
    today = timezone.now().date()
    SearchQueryStat.objects.create(day=today - timedelta(days=91), query="old", kind="zero", count=5)
    SearchQueryStat.objects.create(day=today - timedelta(days=89), query="recent", kind="zero", count=5)
    search_query_log_flush()
    assert list(SearchQueryStat.objects.values_list("query", flat=True)) == ["recent"]


def test_staff_list_the_queries_most_searched_first(api_client, staff_user, user):
    today = timezone.now().date()
    rows = [
        (today, "velvet sofa", "zero", 3),
        (today - timedelta(days=1), "velvet sofa", "zero", 4),
        (today, "ceramic sofa", "partial", 5),
        (today, "oak", "low", 1),
        (today - timedelta(days=40), "forgotten", "zero", 99),
    ]
    SearchQueryStat.objects.bulk_create([SearchQueryStat(day=d, query=q, kind=k, count=n) for d, q, k, n in rows])
    staff = client_for(staff_user)
    body = staff.get(QUERIES).json()
    assert body["count"] == 3
    assert body["results"] == [
        {"query": "velvet sofa", "kind": "zero", "count": 7, "days": 2, "last_seen": today.isoformat()},
        {"query": "ceramic sofa", "kind": "partial", "count": 5, "days": 1, "last_seen": today.isoformat()},
        {"query": "oak", "kind": "low", "count": 1, "days": 1, "last_seen": today.isoformat()},
    ]
    assert [r["query"] for r in staff.get(QUERIES, {"kind": "zero", "days": "60"}).json()["results"]] == [
        "forgotten",
        "velvet sofa",
    ]
    assert staff.get(QUERIES, {"days": "0"}).json()["error"]["code"] == "validation_error"
    assert staff.get(QUERIES, {"kind": "huge"}).status_code == 400
    # shoppers and anonymous callers may not read it
    assert client_for(user).get(QUERIES).status_code == 403
    assert api_client.get(QUERIES).status_code == 401


def test_staff_read_the_sample_in_the_admin_and_turn_a_query_into_a_synonym(admin_client):
    SearchQueryStat.objects.create(day=date(2026, 11, 2), query="velvet sofa", kind="zero", count=3)
    page = admin_client.get(reverse("admin:search_searchquerystat_changelist")).content.decode()
    assert "velvet sofa" in page
    assert "/admin/search/synonym/add/?kind=one_way&amp;term=velvet+sofa" in page
    form = admin_client.get(reverse("admin:search_synonym_add") + "?kind=one_way&term=velvet+sofa").content.decode()
    assert 'value="velvet sofa"' in form
