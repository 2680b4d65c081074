"""Every model of Quillium's apps is in the admin, and every admin list renders."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

OURS = {"quillium_site", "accounts", "ai", "chats", "memos", "gamestats", "bots", "library"}


def test_every_model_of_ours_is_in_the_admin():
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in OURS and model not in admin.site._registry
    ]

    assert missing == []


@pytest.mark.parametrize(
    "model", [model for model in admin.site._registry if model._meta.app_label in OURS], ids=lambda m: m._meta.label
)
def test_every_admin_list_renders(admin_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    assert admin_client.get(url).status_code == 200


def test_rows_the_app_writes_cannot_be_deleted_on_their_own_page(admin_client, alice):
    from memos.notes import services

    memo = services.memo_create(owner=alice, content="kept")
    revision = memo.revisions.get()

    response = admin_client.post(f"/admin/memos/memorevision/{revision.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403 and memo.revisions.exists()
