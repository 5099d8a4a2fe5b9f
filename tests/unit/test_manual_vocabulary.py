"""The statuses the manual names, in its German words (R-CON-1, R-ORD-2).

The German names are read from the catalog the portal speaks, so a status added,
dropped or renamed in the code or in the translation fails here.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.models.enums import ContractStatus, OrderStatus

DE_CATALOG = Path(__file__).resolve().parents[2] / "translations" / "de" / "LC_MESSAGES" / "messages.po"


@pytest.fixture(scope="module")
def german():
    with DE_CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    return lambda member: catalog.get(str(member.label)).string


@pytest.mark.rule("R-ORD-2")
def test_an_order_has_the_seven_statuses_of_the_manual(german):
    assert [german(s) for s in OrderStatus] == [
        "Angebot erstellt", "Angebot angenommen", "Bereitstellung", "Partiell bereitgestellt", "Bereitgestellt",
        "Abgeschlossen", "Storniert",
    ]


@pytest.mark.rule("R-CON-1")
def test_a_contract_has_the_five_statuses_of_the_manual(german):
    assert [german(s) for s in ContractStatus] == [
        "Aktiv – Schwebend", "Aktiv", "Gesperrt", "Inaktiv – Schwebend", "Inaktiv",
    ]
