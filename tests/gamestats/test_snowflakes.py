import pytest

from gamestats.snowflakes import created_at, snowflake_error


@pytest.mark.parametrize(
    "value",
    ["175928847299117063", "80351110224678912", "1234567890123456789"],
)
def test_real_discord_ids_are_accepted(value):
    assert snowflake_error(value) is None


@pytest.mark.parametrize(
    "value",
    ["", "abc", "12345", "0175928847299117063", "-175928847299117063", "1759288472991170630000", "18446744073709551616",
     " 175928847299117063", 175928847299117063, "9" * 20],
)  # fmt: skip
def test_anything_else_is_refused(value):
    assert snowflake_error(value)


def test_the_timestamp_inside_an_id_is_read():
    assert created_at("175928847299117063").year == 2016
