"""A contract's status decides whether it can be changed (R-CON-1, R-CON-5): only an active contract."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Contract
from app.models.enums import ContractStatus
from app.security.roles import PORTAL_ADMIN

CANNOT_CHANGE = "In diesem Status kann der Vertrag nicht geändert werden."
BLOCKED = "Dieser Vertrag ist gesperrt. Bitte ruf unsere Buchhaltung an: 0211 550 07-332"


@pytest.mark.rule("R-CON-5")
def test_only_an_active_contract_allows_changes():
    assert {s for s in ContractStatus if Contract(status=s).allows_changes} == {ContractStatus.ACTIVE}


@pytest.mark.rule("R-CON-1", "R-CON-5")
@pytest.mark.parametrize("status, notice", [
    (ContractStatus.ACTIVE, None),
    (ContractStatus.ACTIVE_PENDING, CANNOT_CHANGE),
    (ContractStatus.INACTIVE_PENDING, CANNOT_CHANGE),
    (ContractStatus.INACTIVE, CANNOT_CHANGE),
    (ContractStatus.BLOCKED, BLOCKED),  # blocked: the accounting's number instead
])
def test_the_contract_page_says_when_the_status_allows_no_change(app, world, signed_in, status, notice):
    a = world["a"]
    with app.app_context():
        db.session.get(Contract, a.named["trunk"]).status = status
        db.session.commit()
    html = signed_in(a.users[PORTAL_ADMIN]).get(f"/portal/contracts/{a.named['trunk']}").get_data(as_text=True)
    for text in (CANNOT_CHANGE, BLOCKED):
        assert (text in html) is (text == notice), (status, text)
