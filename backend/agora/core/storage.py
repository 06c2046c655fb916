"""Private file storage: vendors' import files and personal-data exports.

Public media (product images) go through the default storage and may be served by the CDN or
/media/. Private files never are: locally they live outside MEDIA_ROOT (PRIVATE_MEDIA_ROOT,
which no URL serves); with S3 they live under the bucket's ``private/`` prefix, which the
CloudFront distribution is denied (infra/modules/storage) and which has no public URL. The app
reads them through the storage API only.
"""

from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, cached_property, empty

PRIVATE_ALIAS = "private"


class PrivateFileSystemStorage(FileSystemStorage):
    """Local private files under PRIVATE_MEDIA_ROOT; they have no URL."""

    def __init__(self, location: str | None = None, **kwargs: Any) -> None:
        super().__init__(location, **kwargs)
        self._private_location = location  # None: PRIVATE_MEDIA_ROOT, read when first needed

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._private_location, settings.PRIVATE_MEDIA_ROOT)

    def url(self, name):
        raise ValueError("Private files have no public URL; read them through the storage.")

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


class _PrivateStorage(LazyObject):
    _wrapped: object  # the storage, or ``empty`` until first used

    def _setup(self):
        self._wrapped = storages[PRIVATE_ALIAS]


private_storage = _PrivateStorage()


def get_private_storage():
    """For FileField(storage=...): migrations record this callable, not a storage instance."""
    return private_storage


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting in ("STORAGES", "PRIVATE_MEDIA_ROOT"):
        private_storage._wrapped = empty
