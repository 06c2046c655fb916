from django.urls import path

from agora.search import apis

urlpatterns = [
    path("search/", apis.SearchApi.as_view(), name="search"),
    path("search/suggest/", apis.SuggestApi.as_view(), name="search-suggest"),
    path("moderation/search/queries/", apis.QueryStatsApi.as_view(), name="moderation-search-queries"),
]
