"""Shared test fixtures: every test gets its own blob store and data directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import LazySettings

from answerdesk.blob_store import BlobStore


@pytest.fixture(autouse=True)
def _isolated_data(settings: LazySettings, tmp_path: Path) -> None:
    settings.ANSWERDESK_BLOB_DIR = tmp_path / "blobs"
    settings.ANSWERDESK_MODEL_DIR = tmp_path / "models"


@pytest.fixture
def blob_store(settings: LazySettings) -> BlobStore:
    return BlobStore(Path(settings.ANSWERDESK_BLOB_DIR))
