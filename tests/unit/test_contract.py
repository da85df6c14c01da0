"""The generated JSON Schema, TypeScript declarations and catalog docs match the models."""

from __future__ import annotations

import json

import pytest

from bridge import contract
from bridge.core import messages as m


@pytest.mark.parametrize("rel", list(contract.generated()), ids=str)
def test_generated_file_is_up_to_date(rel: object) -> None:
    path = contract.ROOT / str(rel)
    assert path.read_text(encoding="utf-8") == contract.generated()[rel], (
        f"{rel} is stale: run `python -m bridge.contract`"
    )


def test_check_mode_reports_stale_files(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(contract, "ROOT", tmp_path)
    assert contract.main(["--check"]) == 1
    assert capsys.readouterr().err.startswith("stale, run `python -m bridge.contract`: ")
    assert contract.main([]) == 0
    assert contract.main(["--check"]) == 0
    said = capsys.readouterr().out.splitlines()[-1]  # success says so, in one line
    assert said.startswith("up to date with the models: ")
    assert all(str(rel) in said for rel in contract.generated())


def test_schema_validates_every_example_and_refuses_a_bad_one() -> None:
    import jsonschema

    schema = contract.json_schema()
    validator = jsonschema.Draft202012Validator(schema)
    for cls in m.ALL_MESSAGES:
        assert not list(validator.iter_errors(cls.example)), cls.type_name()
    bad = json.loads(json.dumps(m.RealityCheck.example))
    bad["data"]["currency"] = "EUD"
    assert list(validator.iter_errors(bad))


def test_typescript_declares_every_message_type() -> None:
    ts = contract.typescript()
    for cls in m.ALL_MESSAGES:
        assert f'type: "{cls.type_name()}";' in ts
    assert "export type LobbyToGameMessage = Spin |" in ts


def test_typescript_maps_each_message_type_to_its_data_type() -> None:
    """``LobbyToGame`` / ``GameToLobby`` let a typed API declare ``on`` / ``send`` per type."""
    ts = contract.typescript()
    for group, classes in (("LobbyToGame", m.LOBBY_TO_GAME), ("GameToLobby", m.GAME_TO_LOBBY)):
        block = ts.split(f"export interface {group} {{\n", 1)[1].split("\n}", 1)[0]
        keys = [line.split(":")[0].strip().strip('"') for line in block.splitlines()]
        assert keys == [c.type_name() for c in classes]
    assert '  "spin": undefined;' in ts
    assert '  "turbo": boolean;' in ts
    assert '  "realityCheck": RealityCheckData;' in ts
    assert '  "close": CloseData | undefined;' in ts  # data may be left out
    assert '  "roundStarted": number | null;' in ts  # null only from a normalised plain game
