from django.apps import AppConfig


class WishlistsConfig(AppConfig):
    name = "agora.wishlists"
    label = "wishlists"
    verbose_name = "Wishlists"
