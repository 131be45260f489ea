"""Settings: defaults, the TOML file, environment variables on top, and one clear error per problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from contact_center.domain.errors import ConfigError
from contact_center.settings import Settings, load_settings


@pytest.fixture(autouse=True)
def no_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from an empty directory, so the repository's config/contact_center.toml is not read."""
    monkeypatch.chdir(tmp_path)


def config_error(environ: dict[str, str], config_file: Path | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        load_settings(environ, config_file)
    assert info.value.code == "invalid_config"
    return info.value.message


def test_defaults_with_no_environment() -> None:
    settings = load_settings({})
    assert settings == Settings()
    assert settings.database.is_sqlite
    assert not settings.is_distributed
    assert settings.http.port == 8080
    assert settings.redis.stream == "cc:events"


def test_environment_overlays_the_defaults() -> None:
    settings = load_settings(
        {
            "DATABASE_URL": "postgresql://db.example:5432/cc",
            "REDIS_URL": "redis://cache.example:6379/2",
            "CC_HTTP__PORT": "9000",
            "CC_LOG_LEVEL": "DEBUG",
            "CC_REDIS__RQ_QUEUE": "jobs",
        }
    )
    assert settings.database.url == "postgresql://db.example:5432/cc"
    assert settings.redis.url == "redis://cache.example:6379/2"
    assert settings.http.port == 9000
    assert settings.log_level == "DEBUG"
    assert settings.redis.rq_queue == "jobs"
    assert settings.is_distributed


def test_settings_are_frozen() -> None:
    settings = load_settings({})
    with pytest.raises(ValueError):
        settings.http.port = 1  # type: ignore[misc]


def test_a_port_that_is_not_a_number_names_the_key() -> None:
    message = config_error({"CC_HTTP__PORT": "abc"})
    assert "http.port" in message
    assert message.count(";") == 0


def test_a_mysql_database_url_names_the_key() -> None:
    message = config_error({"DATABASE_URL": "mysql://root@localhost/cc"})
    assert "database.url" in message and "mysql" in message


def test_redis_with_sqlite_names_the_key() -> None:
    message = config_error({"REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert "redis.url" in message and "PostgreSQL" in message


def test_a_redis_url_of_the_wrong_scheme_names_the_key() -> None:
    message = config_error({"DATABASE_URL": "postgresql://x/cc", "REDIS_URL": "http://x"})
    assert "redis.url" in message


def test_every_problem_goes_into_one_message() -> None:
    message = config_error({"CC_HTTP__PORT": "abc", "DATABASE_URL": "mysql://x/cc"})
    assert "http.port" in message and "database.url" in message


def test_an_unknown_key_in_toml_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "cc.toml"
    path.write_text("[http]\nport = 8081\nprot = 1\n", encoding="utf-8")
    message = config_error({"CC_CONFIG": str(path)})
    assert "http.prot" in message


def test_a_toml_file_is_read_through_cc_config(tmp_path: Path) -> None:
    path = tmp_path / "cc.toml"
    path.write_text(
        'environment = "production"\ndefault_region = "CN"\n'
        '[database]\nurl = "postgresql://db/cc"\npool_size = 20\n'
        '[http]\nport = 8081\npublic_base_url = "https://cc.example.com"\n',
        encoding="utf-8",
    )
    settings = load_settings({"CC_CONFIG": str(path), "CC_HTTP__PORT": "8082"})
    assert settings.environment == "production"
    assert settings.default_region == "CN"
    assert settings.database.pool_size == 20
    assert settings.http.public_base_url == "https://cc.example.com"
    assert settings.http.port == 8082  # the environment wins over the file


def test_the_default_config_file_is_read_from_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "contact_center.toml").write_text("[http]\nport = 8099\n", encoding="utf-8")
    assert load_settings({}).http.port == 8099


def test_a_missing_config_file_names_cc_config(tmp_path: Path) -> None:
    message = config_error({"CC_CONFIG": str(tmp_path / "nope.toml")})
    assert "CC_CONFIG" in message


def test_a_malformed_toml_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[http\nport = 1\n", encoding="utf-8")
    assert str(path) in config_error({"CC_CONFIG": str(path)})


def test_the_repository_example_config_is_valid() -> None:
    example = Path(__file__).resolve().parents[2] / "config" / "contact_center.toml"
    assert load_settings({}, example).database.is_sqlite


def test_environment_variables_of_other_tools_are_ignored() -> None:
    # The test suite's own CC_TEST_* variables must not break the application's settings.
    settings = load_settings(
        {"CC_TEST_PG_ADMIN": "postgresql://127.0.0.1/postgres", "CC_TEST_REDIS": "redis://x/0"}
    )
    assert settings == Settings()


def test_a_typo_in_a_known_section_is_still_reported() -> None:
    assert "http.prot" in config_error({"CC_HTTP__PROT": "1"})


def test_the_deployment_example_environment_is_valid_settings() -> None:
    """docs/deployment.md hands operators config/deploy/systemd/env.example: every key in it must
    be one the settings know, with a value they accept."""
    example = Path(__file__).resolve().parents[2] / "config" / "deploy" / "systemd" / "env.example"
    environ: dict[str, str] = {}
    for line in example.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            environ[name] = value
    settings = load_settings(environ, config_file=None)
    assert settings.is_distributed and settings.environment == "production"
    assert settings.http.cookie_secure and settings.webchat.secret is not None


def test_mail_is_off_until_a_host_is_set_and_then_needs_a_from_address() -> None:
    assert not load_settings({}).mail.is_enabled
    assert not load_settings({"CC_MAIL__HOST": ""}).mail.is_enabled  # empty = unset
    assert "mail: from_address is needed when host is set" in config_error({"CC_MAIL__HOST": "smtp.example"})
    mail = load_settings(
        {
            "CC_MAIL__HOST": "smtp.example",
            "CC_MAIL__FROM_ADDRESS": "help@shop.example",
            "CC_MAIL__PORT": "465",
        }
    ).mail
    assert mail.is_enabled and mail.port == 465 and mail.domain == "shop.example"


def test_mail_settings_name_each_problem(tmp_path: Path) -> None:
    assert "mail.from_address: not an email address" in config_error({"CC_MAIL__FROM_ADDRESS": "help shop"})
    assert "mail.security" in config_error({"CC_MAIL__SECURITY": "ssl3"})
    assert "username and password: set both or neither" in config_error({"CC_MAIL__USERNAME": "shop"})
    toml = tmp_path / "mail.toml"
    toml.write_text("[mail]\nretry_delays_s = [500, 500]\n", encoding="utf-8")
    message = config_error({}, toml)
    assert "mail.retry_delays_s" in message and "600 s in all" in message


def test_the_mail_password_stays_out_of_the_settings_repr() -> None:
    settings = load_settings({"CC_MAIL__USERNAME": "shop", "CC_MAIL__PASSWORD": "hunter2-secret"})
    assert "hunter2-secret" not in repr(settings)
    assert (
        settings.mail.password is not None and settings.mail.password.get_secret_value() == "hunter2-secret"
    )


def test_production_refuses_to_send_the_mail_password_unencrypted() -> None:
    environ = {
        "CC_ENVIRONMENT": "production",
        "CC_MAIL__SECURITY": "none",
        "CC_MAIL__USERNAME": "shop",
        "CC_MAIL__PASSWORD": "secret",
    }
    assert "mail.security: 'none' would send the password unencrypted" in config_error(environ)


def test_the_service_level_formula_is_offered_unless_set_to_answered() -> None:
    assert load_settings({}).service_level_formula == "offered"
    assert load_settings({"CC_SERVICE_LEVEL_FORMULA": "answered"}).service_level_formula == "answered"
    assert "service_level_formula" in config_error({"CC_SERVICE_LEVEL_FORMULA": "handled"})
