"""The path a new user takes first, end to end through the real `carnet` process."""

from tests.conftest import VaultFixture


def test_add_then_find(vault: VaultFixture) -> None:
    added = vault.run("incident", "add", "--title", "Arrest at the market", "--date", "2024-03")
    assert added.code == 0, added.err
    incident_id = added.out.strip().splitlines()[-1]
    found = vault.run("search", "market")
    assert found.code == 0
    assert found.out.split("\t")[0] == incident_id
