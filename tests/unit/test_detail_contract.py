"""The contract page's plain-row contract (issue 20): its columns line up with its fields (R-CON-5 kept)."""
from dataclasses import fields
from datetime import date
from decimal import Decimal

from app.models import Contract, Product
from app.models.enums import ContractStatus, ProductKind
from app.services.portal.contracts import DETAIL_CONTRACT_COLUMNS, DetailContract

PRODUCT_VALUES = (ProductKind.SIP_TRUNK, "SIP-Anschluss", "SIP line", "Für Telefonanlagen", " ", Decimal("29.90"))


def test_the_contract_columns_carry_the_field_names_in_field_order():
    # from_row takes the row by position: a column moved or added without its field would shift every value.
    own = [f.name for f in fields(DetailContract) if f.name != "product"]
    assert [c.key for c in DETAIL_CONTRACT_COLUMNS[:len(own)]] == own
    assert all(c.class_ is Contract for c in DETAIL_CONTRACT_COLUMNS[:len(own)])
    # ... and the product's, in the order from_row unpacks them (kind, names, descriptions, price).
    product = DETAIL_CONTRACT_COLUMNS[len(own):]
    assert [c.key for c in product] == ["kind", "name", "name_en", "description", "description_en", "monthly_price"]
    assert all(c.class_ is Product for c in product) and len(product) == len(PRODUCT_VALUES)


def _values(status):
    return (7, 3, "V2100101", status, date(2024, 1, 1), 24, 3, 12, None, None) + PRODUCT_VALUES


def test_from_row_picks_the_page_language_and_keeps_the_entitys_change_rule():
    english = DetailContract.from_row(_values(ContractStatus.ACTIVE), english=True)
    assert (english.id, english.customer_id, english.contract_number) == (7, 3, "V2100101")
    assert (english.product.display_name, english.product.display_description) == ("SIP line", "Für Telefonanlagen")
    assert english.product.kind is ProductKind.SIP_TRUNK and english.allows_changes is True
    german = DetailContract.from_row(_values(ContractStatus.BLOCKED), english=False)
    assert german.product.display_name == "SIP-Anschluss" and german.allows_changes is False
