import pytest

from ai.models import AIConfig
from tests.conftest import FAKE_PROVIDER_KEY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/ai/aiconfig/",
        "/admin/ai/tokenusage/",
        "/admin/ai/usertokenlimit/",
        "/admin/chats/chat/",
        "/admin/chats/message/",
    ],
)
def test_admin_lists_render(admin_client, fake_llm, url):
    assert admin_client.get(url).status_code == 200


def test_the_admin_never_shows_the_provider_key(admin_client, fake_llm):
    config = AIConfig.objects.get()

    page = admin_client.get(f"/admin/ai/aiconfig/{config.pk}/change/").content.decode()

    assert FAKE_PROVIDER_KEY not in page
    assert config.api_key_encrypted not in page


def test_the_admin_keeps_the_key_unless_a_new_one_is_typed(admin_client, fake_llm):
    config = AIConfig.objects.get()
    form = {
        "key": "chat",
        "provider": "other",
        "base_url": config.base_url,
        "model": "fake-large",
        "temperature": "0.5",
        "timeout_seconds": "30",
        "api_key": "",
    }

    assert admin_client.post(f"/admin/ai/aiconfig/{config.pk}/change/", form).status_code == 302
    kept = AIConfig.objects.get()
    admin_client.post(f"/admin/ai/aiconfig/{config.pk}/change/", {**form, "api_key": "sk-replaced"})
    replaced = AIConfig.objects.get()

    assert kept.model == "fake-large" and kept.api_key_encrypted == config.api_key_encrypted
    assert replaced.api_key_encrypted != config.api_key_encrypted
    assert "sk-replaced" not in replaced.api_key_encrypted
