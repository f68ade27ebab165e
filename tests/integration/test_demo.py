"""The demo court that `make run` serves: it loads, shows its pieces, and its books verify."""

from click.testing import CliRunner

from api.cli import cli


def test_the_demo_loads_once_and_its_books_and_audit_trail_verify(database_url, monkeypatch):
    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    runner = CliRunner()
    loaded = runner.invoke(cli, ["demo"])
    assert loaded.exit_code == 0, loaded.output
    assert "demo statement imported" in loaded.output
    assert "audit checkpoint 1:" in loaded.output
    assert "closed as withdrawn" in loaded.output and "expected receipt" in loaded.output
    again = runner.invoke(cli, ["demo"])  # nothing loaded twice; a new checkpoint only
    assert again.exit_code == 0 and "demo statement imported" not in again.output
    for command in (["audit", "verify"], ["ledger", "verify"]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 0, (command, result.output)
