"""Shared test fixtures: every test gets its own blob store and data directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from answerdesk.blob_store import BlobStore


@pytest.fixture(autouse=True)
def _isolated_data(settings: LazySettings, tmp_path: Path) -> None:
    settings.ANSWERDESK_BLOB_DIR = tmp_path / "blobs"
    settings.ANSWERDESK_MODEL_DIR = tmp_path / "models"
    # A deliberately slow hash costs about a second per user made; tests need no secrecy.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def blob_store(settings: LazySettings) -> BlobStore:
    return BlobStore(Path(settings.ANSWERDESK_BLOB_DIR))


@pytest.fixture
def make_staff(db: None) -> Callable[..., Any]:
    """make_staff("agent", "camille"): an active user holding that role (a Django group)."""

    def make(role: str, username: str, **fields: Any) -> Any:
        user = get_user_model().objects.create_user(
            username, f"{username}@answerdesk.test", "password", **fields
        )
        # get_or_create: a transactional test before this one flushed the migration's rows.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    return make
