"""Staff manage synonyms and stop words in the admin; the next search applies them."""

import pytest
from django.urls import reverse

from agora.search.models import StopWord, Synonym
from agora.search.services import SYNONYM_TERM_REQUIRED, SYNONYMS_TOO_FEW

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/search/"


def test_synonyms_added_in_the_admin_are_normalised_and_searched_at_once(
    admin_client, api_client, catalog, django_capture_on_commit_callbacks, sent_tasks
):
    assert api_client.get(SEARCH, {"q": "pot", "exact": "true"}).json()["count"] == 1  # the bench's "ceramic pot"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:search_synonym_add"), {"kind": "one_way", "term": " Pot ", "synonyms": "Planter, POT"}
        )
    assert response.status_code == 302
    synonym = Synonym.objects.get()
    assert (synonym.term, synonym.synonyms) == ("pot", "planter")
    # the rules reload for the next search, and Elasticsearch's synonyms set is synced by a task
    assert [name for name, _ in sent_tasks] == ["agora.search.tasks.sync_rules"]
    slugs = {r["slug"] for r in api_client.get(SEARCH, {"q": "pot", "exact": "true"}).json()["results"]}
    assert slugs == {"garden-bench", "ceramic-planter"}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "equivalent", "term": "", "synonyms": "sofa"}, "synonyms", SYNONYMS_TOO_FEW),
        ({"kind": "one_way", "term": "", "synonyms": "t-shirt"}, "term", SYNONYM_TERM_REQUIRED),
    ],
)
def test_a_synonym_that_means_nothing_is_refused_next_to_its_field(admin_client, data, field, message):
    response = admin_client.post(reverse("admin:search_synonym_add"), data)
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors[field]
    assert not Synonym.objects.exists()


def test_stop_words_are_one_word_and_deleting_one_takes_effect(
    admin_client, api_client, catalog, django_capture_on_commit_callbacks, sent_tasks
):
    response = admin_client.post(reverse("admin:search_stopword_add"), {"word": "two words"})
    assert "A stop word is one word" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:search_stopword_add"), {"word": " Cheap "})
    assert StopWord.objects.filter(word="cheap").exists()
    assert api_client.get(SEARCH, {"q": "cheap planter", "exact": "true"}).json()["count"] == 1
    stop_word = StopWord.objects.get(word="cheap")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:search_stopword_delete", args=[stop_word.pk]), {"post": "yes"})
    assert api_client.get(SEARCH, {"q": "cheap planter", "exact": "true"}).json()["count"] == 0
