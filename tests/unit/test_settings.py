import pytest

from reconcile.settings import SettingsError, load_settings


def test_defaults_use_a_sqlite_file_in_the_working_directory():
    settings = load_settings(environ={})
    assert settings["database"]["url"] == "sqlite:///reconcile.db"
    assert settings["deadlines"]["notice_working_days"] == 10
    assert settings["deadlines"]["payment_working_days"] == 5


def test_the_environment_overrides_defaults_with_typed_values():
    settings = load_settings(
        environ={
            "RECONCILE_DATABASE_URL": "postgresql+psycopg://db/x",
            "RECONCILE_DEADLINES_NOTICE_WORKING_DAYS": "7",
            "RECONCILE_DESK_WEBHOOK_URL": "http://127.0.0.1:9000/alerts",
            "RECONCILE_SCHEDULER_ENABLED": "false",
        }
    )
    assert settings["database"]["url"] == "postgresql+psycopg://db/x"
    assert settings["deadlines"]["notice_working_days"] == 7
    assert settings["desk"]["webhook_url"] == "http://127.0.0.1:9000/alerts"
    assert settings["scheduler"]["enabled"] is False


def test_a_config_file_overrides_defaults_and_the_environment_overrides_it(tmp_path):
    config = tmp_path / "court.toml"
    config.write_text('[desk]\nwebhook_secret = "from-file"\nhotline = "010-12368"\n')
    settings = load_settings(
        environ={"RECONCILE_CONFIG": str(config), "RECONCILE_DESK_HOTLINE": "12368"}
    )
    assert settings["desk"]["webhook_secret"] == "from-file"
    assert settings["desk"]["hotline"] == "12368"


def test_an_unknown_key_in_a_config_file_is_an_error_not_ignored(tmp_path):
    config = tmp_path / "court.toml"
    config.write_text("[desk]\nwebhook_sercet = 'typo'\n")
    with pytest.raises(SettingsError, match=r"desk\.webhook_sercet"):
        load_settings(environ={"RECONCILE_CONFIG": str(config)})


def test_a_malformed_number_in_the_environment_is_an_error():
    with pytest.raises(SettingsError, match="whole number"):
        load_settings(environ={"RECONCILE_DEADLINES_NOTICE_WORKING_DAYS": "ten"})


def test_approval_tiers_name_positions_or_count_levels():
    from reconcile.approvals import level_positions, levels_for

    tiers = [{"up_to": "100000.00", "levels": ["执行局长"]}, {"levels": ["执行局长", "分管院领导"]}]
    assert level_positions(99_999_99, tiers) == ("执行局长",)
    assert level_positions(100_000_00, tiers) == ("执行局长", "分管院领导")
    assert level_positions(5_00, [{"levels": 2}]) == (None, None)  # the older form
    assert levels_for(100_000_00, tiers) == 2
