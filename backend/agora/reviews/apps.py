from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "agora.reviews"
    label = "reviews"
    verbose_name = "Reviews"
