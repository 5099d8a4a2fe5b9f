"""Dataset generator: dataset L (QUALITY "Performance") or a fraction of it, in bulk.

The schema comes from Alembic (`flask db upgrade`) and `flask roles sync`; rows go in
through the models' own tables with SQLAlchemy Core `insert()` executemany, in batches,
so every type (enums, Fernet-encrypted columns, dates) is handled by the real column
types. Primary keys are assigned here so that foreign keys can be computed without
reading anything back; PostgreSQL sequences are moved past them at the end.

Usage: python -m bench.dataset --scale S [--force] [--backend sqlite|postgres]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from bench.common import (
    ADMIN_USERS, BENCH_PASSWORD, FLASK, bench_app, GENERATOR_VERSION, ROOT, SCALES, VAR_DIR, Progress, app_env,
    dataset_name, log, sqlite_path, storage_dir,
)

BATCH = 5000
BIG_CUSTOMER = 1          # one large customer: lists of >100 rows, a contract with 50 options
BIG_CONTRACTS = 120       # contracts 1..120 belong to customer 1
BIG_ROWS = 150            # orders, tickets, invoices, documents of customer 1
SAMPLE_EVERY = 100        # every 100th customer gets portal users
PORTAL_ADMIN_SPARES = 15  # extra Portal Admins of customer 1
SHARED_FILES = 4          # distinct file contents behind all document rows
DATASET_NOW = datetime(2026, 11, 1, 8, 0, 0)  # the dataset's "today": its dates do not age with the calendar


@dataclass(frozen=True)
class Sizes:
    """Row counts of one scale."""

    customers: int
    contracts: int
    options_per_contract: int
    numbers_per_contract: int
    calls: int
    documents: int
    tickets: int

    @classmethod
    def for_scale(cls, scale: str) -> "Sizes":
        f = SCALES[scale]
        customers = max(int(round(50_000 * f)), 200)
        return cls(
            customers=customers,
            contracts=3 * customers,
            options_per_contract=4,
            numbers_per_contract=2,
            calls=int(round(2_000_000 * f)),
            documents=int(round(200_000 * f)),
            tickets=int(round(100_000 * f)),
        )

    @property
    def orders(self) -> int:
        return self.contracts // 2

    @property
    def invoices(self) -> int:
        return self.documents // 2


def current_head() -> str:
    """The newest Alembic revision of the code base."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(cfg).get_current_head()


def meta_path(scale: str, backend: str) -> Path:
    """Where the description of a generated dataset is kept."""
    return VAR_DIR / f"{dataset_name(scale, backend)}.json"


def load_meta(scale: str, backend: str) -> dict | None:
    """The stored description of a dataset, or None."""
    path = meta_path(scale, backend)
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except ValueError:
        return None


def same_database(stored: str | None, url: str) -> bool:
    """Equal URLs, or SQLite URLs naming the same file by another path (a checkout's bench/var may be a
    symlink to another's): such a dataset is reused, not thrown away and generated again under its user."""
    if stored == url:
        return True
    prefix = "sqlite:///"
    if not (stored and stored.startswith(prefix) and url.startswith(prefix)):
        return False
    return os.path.realpath(stored[len(prefix):]) == os.path.realpath(url[len(prefix):])


def is_reusable(meta: dict | None, database_url: str) -> bool:
    """True when the stored dataset matches this code's schema and generator and is still there."""
    if not meta or meta.get("generator_version") != GENERATOR_VERSION:
        return False
    if meta.get("revision") != current_head() or not same_database(meta.get("database_url"), database_url):
        return False
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(database_url)
        with engine.connect() as conn:
            revision = conn.execute(text("select version_num from alembic_version")).scalar()
            customers = conn.execute(text("select count(*) from customer")).scalar()
        engine.dispose()
    except Exception:  # a missing file or database simply means: generate again
        return False
    return revision == meta["revision"] and customers == meta["counts"]["customer"]


# --- row builders -------------------------------------------------------------------------


def contract_customer(cid: int, sizes: Sizes) -> int:
    """Owner of contract `cid` (ids from 1): customer 1 owns the first 120, the rest round-robin."""
    if cid <= BIG_CONTRACTS:
        return BIG_CUSTOMER
    return 2 + (cid - BIG_CONTRACTS - 1) % (sizes.customers - 1)


def pick_contract(i: int, sizes: Sizes, big_share: int) -> int:
    """A contract for the i-th row of a contract-bound table; the first `big_share` go to customer 1."""
    if i < big_share:
        return 1 + i % BIG_CONTRACTS
    return BIG_CONTRACTS + 1 + (i * 7919) % (sizes.contracts - BIG_CONTRACTS)


def invoice_customer(iid: int, sizes: Sizes) -> int:
    """Owner of invoice `iid` (ids from 1)."""
    if iid <= BIG_ROWS:
        return BIG_CUSTOMER
    return 2 + (iid - BIG_ROWS - 1) % (sizes.customers - 1)


def options_of(cid: int, per_contract: int) -> int:
    """Booked options on a contract: contract 1 has 50, contract 2 has one (P5's 1 vs 50)."""
    return 50 if cid == 1 else 1 if cid == 2 else per_contract


def sampled_customers(sizes: Sizes) -> list[int]:
    """Customers that get portal logins: customer 1 and every 100th."""
    return [c for c in range(1, sizes.customers + 1) if c == 1 or c % SAMPLE_EVERY == 1]


class Generator:
    """Writes one dataset through the models' tables."""

    def __init__(self, scale: str, sizes: Sizes):
        self.scale, self.sizes = scale, sizes
        self.rng = random.Random(20260101)
        self.now = DATASET_NOW
        self.today = self.now.date()
        self.counts: dict[str, int] = {}
        self.timings: dict[str, float] = {}

    # The builders yield plain dicts keyed by column name.

    def products(self):
        from app.models.enums import ProductKind

        for pid, kind in enumerate(ProductKind, start=1):
            yield dict(id=pid, code=f"BENCH-{kind.value.upper()}", name=f"{kind.value} Tarif", kind=kind,
                       name_en=f"{kind.value} plan", description="", description_en="", monthly_price=Decimal("29.90") + pid, setup_price=Decimal("49.00"),
                       default_minimum_term_months=24, active=True, created_at=self.now, updated_at=self.now)

    def option_types(self):
        from app.models.enums import OptionFeature

        for oid, feature in enumerate(OptionFeature, start=1):
            quantity = feature in (OptionFeature.VOICE_CHANNELS, OptionFeature.NONE)
            yield dict(id=oid, code=f"OPT-{feature.value.upper()}", name=f"Option {feature.value}",
                       name_en=f"Option {feature.value} (en)", description="", description_en="", monthly_price=Decimal("4.90"), one_time_price=Decimal("0"),
                       quantity_based=quantity, min_quantity=1, max_quantity=100 if quantity else 1,
                       minimum_term_months=0, location_bound=feature is OptionFeature.ROUTER,
                       feature=feature, active=True, created_at=self.now, updated_at=self.now)

    def product_option_types(self):
        from app.models.enums import OptionFeature, ProductKind

        for pid in range(1, len(ProductKind) + 1):
            for oid in range(1, len(OptionFeature) + 1):
                yield dict(product_id=pid, option_type_id=oid)

    def customers(self):
        from app.models.enums import ContactConsent, InvoiceDelivery

        cities = [("40210", "Düsseldorf"), ("10115", "Berlin"), ("80331", "München"), ("50667", "Köln")]
        for cid in range(1, self.sizes.customers + 1):
            zip_code, city = cities[cid % len(cities)]
            yield dict(id=cid, customer_number=f"{1_000_000 + cid}", company_name=f"Firma {cid:06d} GmbH",
                       email=f"info{cid}@firma{cid}.example", main_phone=f"+49211{cid:07d}",
                       street=f"Hauptstraße {cid % 200 + 1}", zip_code=zip_code, city=city,
                       address_verified=True, hotline_password=f"Hotline-{cid % 97:02d}",
                       invoice_delivery=InvoiceDelivery.PORTAL, show_term_on_invoice=False,
                       contact_consent=ContactConsent.NONE, created_at=self.now, updated_at=self.now)

    def contact_persons(self):
        from app.models.enums import ContactRole

        for cid in range(1, self.sizes.customers + 1):
            yield dict(id=cid, customer_id=cid, role=ContactRole.TELECOM, salutation="Frau",
                       first_name="Erika", last_name=f"Muster{cid}", email=f"erika{cid}@firma{cid}.example",
                       phone=f"+49211{cid:07d}", mobile="+491701234567", created_at=self.now,
                       updated_at=self.now)

    def contracts(self):
        from app.models.enums import ContractStatus, ProductKind, RegistrationMode

        kinds = list(ProductKind)
        statuses = [ContractStatus.ACTIVE] * 8 + [ContractStatus.ACTIVE_PENDING, ContractStatus.INACTIVE]
        for cid in range(1, self.sizes.contracts + 1):
            pid = 1 + cid % len(kinds)
            sip = kinds[pid - 1] in (ProductKind.SIP_TRUNK, ProductKind.SIP_ACCOUNT, ProductKind.CLOUD_PHONE)
            yield dict(id=cid, customer_id=contract_customer(cid, self.sizes), contract_number=f"V{cid:09d}",
                       product_id=pid, status=ContractStatus.ACTIVE if cid <= 2 else statuses[cid % 10],
                       start_date=self.today - timedelta(days=30 + cid % 1500), minimum_term_months=24,
                       notice_period_months=3, renewal_period_months=12, terminated_on=None,
                       sip_password="Sip-Geheim-42" if sip else None,
                       sip_proxy="sip.ecotel.example" if sip else None,
                       registration_mode=RegistrationMode.LOAD_SHARING if sip else None,
                       created_at=self.now - timedelta(minutes=cid), updated_at=self.now)

    def locations(self):
        for cid in range(1, self.sizes.contracts + 1):
            yield dict(id=cid, customer_id=contract_customer(cid, self.sizes), contract_id=cid,
                       name="Hauptsitz", street=f"Industriestraße {cid % 300 + 1}", zip_code="40210",
                       city="Düsseldorf", created_at=self.now, updated_at=self.now)

    def contract_options(self):
        n_types = len(list(self.option_type_features()))
        oid = 0
        for cid in range(1, self.sizes.contracts + 1):
            customer = contract_customer(cid, self.sizes)
            for k in range(options_of(cid, self.sizes.options_per_contract)):
                oid += 1
                type_id = 1 + (cid + k) % n_types
                yield dict(id=oid, customer_id=customer, contract_id=cid, option_type_id=type_id,
                           location_id=cid if k % 2 else None, quantity=1 + k % 5,
                           monthly_price=Decimal("4.90"), one_time_price=Decimal("0"),
                           start_date=self.today - timedelta(days=10 + (cid + k) % 700),
                           minimum_term_months=0, end_date=None, created_at=self.now, updated_at=self.now)

    def option_type_features(self):
        from app.models.enums import OptionFeature

        return iter(OptionFeature)

    def phone_numbers(self):
        from app.models.enums import AreaCodeKind, NumberKind, NumberStatus

        areas = ["211", "30", "89", "221", "40", "69"]
        nid = 0
        for cid in range(1, self.sizes.contracts + 1):
            customer = contract_customer(cid, self.sizes)
            for k in range(self.sizes.numbers_per_contract):
                nid += 1
                block = nid % 10 == 0
                yield dict(id=nid, customer_id=customer, contract_id=cid, location_id=cid,
                           kind=NumberKind.BLOCK if block else NumberKind.SINGLE,
                           area_code_kind=AreaCodeKind.LOCAL, country_code="49", area_code=areas[nid % 6],
                           subscriber_number=f"{nid:08d}", extension_from="0" if block else None,
                           extension_to="99" if block else None, ported=False, status=NumberStatus.ACTIVE,
                           created_at=self.now, updated_at=self.now)

    def sip_accounts(self):
        from app.models.enums import ProductKind

        kinds = list(ProductKind)
        sid = 0
        for cid in range(1, self.sizes.contracts + 1):
            if kinds[cid % len(kinds)] in (ProductKind.SIP_TRUNK, ProductKind.SIP_ACCOUNT, ProductKind.CLOUD_PHONE):
                sid += 1
                yield dict(id=sid, customer_id=contract_customer(cid, self.sizes), contract_id=cid,
                           username=f"sip{cid:09d}", label="Zentrale", created_at=self.now, updated_at=self.now)

    def dsl_accounts(self):
        from app.models.enums import ProductKind

        kinds = list(ProductKind)
        did = 0
        for cid in range(1, self.sizes.contracts + 1):
            if kinds[cid % len(kinds)] is ProductKind.DSL:
                did += 1
                yield dict(id=did, customer_id=contract_customer(cid, self.sizes), contract_id=cid,
                           username=f"dsl{cid:09d}@ecotel.example", password="Dsl-Geheim-42",
                           created_at=self.now, updated_at=self.now)

    def invoices(self):
        for iid in range(1, self.sizes.invoices + 1):
            day = self.today - timedelta(days=30 * (iid % 36))
            net = Decimal(100 + iid % 900)
            yield dict(id=iid, customer_id=invoice_customer(iid, self.sizes), invoice_number=f"R{iid:010d}",
                       invoice_date=day, period_start=day - timedelta(days=30), period_end=day, net_amount=net,
                       tax_amount=(net * Decimal("0.19")).quantize(Decimal("0.01")),
                       gross_amount=(net * Decimal("1.19")).quantize(Decimal("0.01")),
                       due_date=day + timedelta(days=14), created_at=self.now, updated_at=self.now,
                       # Older invoices paid, the month's still open (the list shows every state).
                       paid_on=day + timedelta(days=10) if iid % 36 else None)

    def orders(self):
        from app.models.enums import OrderKind, OrderStatus

        statuses = list(OrderStatus)
        kinds = list(OrderKind)
        for oid in range(1, self.sizes.orders + 1):
            cid = pick_contract(oid - 1, self.sizes, BIG_ROWS)
            yield dict(id=oid, customer_id=contract_customer(cid, self.sizes), order_number=f"A{oid:010d}",
                       contract_id=cid, kind=kinds[oid % len(kinds)], status=statuses[oid % len(statuses)],
                       offer_valid_until=None, accepted_at=None, completed_at=None, created_by_id=None,
                       submission_key=None, note=None, created_at=self.now - timedelta(hours=oid % 5000),
                       updated_at=self.now)

    def order_items(self):
        from app.models.enums import ItemChange

        iid = 0
        for oid in range(1, self.sizes.orders + 1):
            cid = pick_contract(oid - 1, self.sizes, BIG_ROWS)
            for k in range(2):
                iid += 1
                yield dict(id=iid, customer_id=contract_customer(cid, self.sizes), order_id=oid,
                           change=ItemChange.ADDED, description=f"Option {k + 1}", option_type_id=1 + k,
                           quantity_before=0, quantity_after=1, monthly_price=Decimal("4.90"),
                           one_time_price=Decimal("0"), effective_date=self.today, created_at=self.now,
                           updated_at=self.now)

    def order_steps(self):
        from app.models.enums import StepStatus

        sid = 0
        names = [("Auftrag erfasst", "Order entered"), ("Technische Prüfung", "Technical check"),
                 ("Bereitstellung", "Provisioning")]
        for oid in range(1, self.sizes.orders + 1):
            customer = contract_customer(pick_contract(oid - 1, self.sizes, BIG_ROWS), self.sizes)
            for position, (name, name_en) in enumerate(names, start=1):
                sid += 1
                done = position < 3
                yield dict(id=sid, customer_id=customer, order_id=oid, position=position, name=name, name_en=name_en,
                           status=StepStatus.DONE if done else StepStatus.PENDING,
                           completed_at=self.now if done else None, note=None, created_at=self.now,
                           updated_at=self.now)

    def documents(self, storage: Path):
        from app.models.enums import DocumentType

        shared = self.shared_files(storage)
        for did in range(1, self.sizes.documents + 1):
            key = f"bench-{did:08d}.pdf"
            source, size, digest = shared[did % len(shared)]
            os.link(source, storage / key)
            if did <= self.sizes.invoices:  # invoice PDFs, one per invoice
                iid = did
                customer, doc_type, contract_id, invoice_id = invoice_customer(iid, self.sizes), \
                    DocumentType.INVOICE, None, iid
            else:
                contract_id = pick_contract(did - self.sizes.invoices - 1, self.sizes, BIG_ROWS)
                customer, invoice_id = contract_customer(contract_id, self.sizes), None
                doc_type = DocumentType.EVN_CSV if did % 2 else DocumentType.ORDER_CONFIRMATION
            yield dict(id=did, customer_id=customer, doc_type=doc_type, title=f"Dokument {did}",
                       title_en=f"Document {did}",
                       filename=f"dokument-{did}.pdf", storage_key=key, mime_type="application/pdf",
                       size_bytes=size, sha256=digest, document_date=self.today - timedelta(days=did % 700),
                       released=True, contract_id=contract_id, order_id=None, invoice_id=invoice_id,
                       created_at=self.now - timedelta(minutes=did), updated_at=self.now)

    def shared_files(self, storage: Path) -> list[tuple[Path, int, str]]:
        """A few real files; every document row is a hard link to one of them (distinct keys)."""
        out = []
        for n in range(SHARED_FILES):
            body = (b"%PDF-1.4\n% bench shared file " + str(n).encode() + b"\n" + b"0" * (20_000 * (n + 1))
                    + b"\n%%EOF\n")
            path = storage / f".shared-{n}.pdf"
            path.write_bytes(body)
            out.append((path, len(body), hashlib.sha256(body).hexdigest()))
        return out

    def call_records(self):
        start = self.now - timedelta(days=170)
        big_share = self.sizes.calls // 100
        zones = ["Festnetz national", "Mobilfunk", "Ausland Zone 1", "Service"]
        for rid in range(1, self.sizes.calls + 1):
            cid = pick_contract(rid - 1, self.sizes, big_share)
            started = start + timedelta(seconds=(rid * 2654435761) % (170 * 86400))
            yield dict(id=rid, customer_id=contract_customer(cid, self.sizes), contract_id=cid, started_at=started,
                       caller=f"+49211{cid:08d}", callee=f"+4930{rid % 10_000_000:08d}",
                       duration_seconds=rid % 900, zone=zones[rid % 4], charge=Decimal(rid % 500) / 1000,
                       created_at=started + timedelta(days=1))

    def tickets(self):
        from app.models.enums import TicketKind, TicketStatus, TicketSubject

        kinds, statuses = list(TicketKind), list(TicketStatus)
        for tid in range(1, self.sizes.tickets + 1):
            if tid % 10 == 0 and tid > BIG_ROWS:
                iid = 1 + (tid * 31) % self.sizes.invoices
                customer, subject, contract_id, invoice_id = invoice_customer(iid, self.sizes), \
                    TicketSubject.INVOICE, None, iid
            else:
                contract_id = pick_contract(tid - 1, self.sizes, BIG_ROWS)
                customer, subject, invoice_id = contract_customer(contract_id, self.sizes), \
                    TicketSubject.CONTRACT, None
            status = statuses[tid % len(statuses)]
            yield dict(id=tid, customer_id=customer, ticket_number=f"T{tid:010d}", kind=kinds[tid % len(kinds)],
                       subject=subject, contract_id=contract_id, contract_option_id=None, invoice_id=invoice_id,
                       title=f"Störung {tid}", description="Seit heute Morgen keine Verbindung.", status=status,
                       contact_support=tid % 7 == 0, express_clearing=False, contact_person_id=customer,
                       created_by_id=None, closed_at=self.now if status is TicketStatus.CLOSED else None,
                       created_at=self.now - timedelta(minutes=tid), updated_at=self.now)

    def ticket_comments(self, ticket_customers: dict[int, int]):
        for tid in range(1, self.sizes.tickets + 1):
            yield dict(id=tid, customer_id=ticket_customers[tid], ticket_id=tid, author_id=None,
                       body="Wir prüfen das.", internal=False, created_at=self.now, updated_at=self.now)

    def users(self, password_hash: str, role_ids: dict[str, int]):
        """Portal users for the sampled customers, then back-office staff. Yields (user row, role id)."""
        from app.models.enums import SecondFactor, UserStatus
        from app.models.security import username_key
        from app.roles import ACCOUNTING, ADMIN, PBX_ADMIN, PORTAL_ADMIN, SALES, SERVICE

        uid = 0
        base = dict(password=password_hash, active=True, login_count=0, fail_login_count=0,
                    created_on=self.now, changed_on=self.now, created_by_fk=None, changed_by_fk=None,
                    phone=None, mobile="+491701234567", status=UserStatus.ACTIVE,
                    second_factor=SecondFactor.NONE, totp_secret=None, session_version=1, locale="de",
                    locked_until=None, last_login=None)
        for customer in sampled_customers(self.sizes):
            accounts = [("pa", PORTAL_ADMIN), ("pbx", PBX_ADMIN), ("acc", ACCOUNTING)]
            if customer == BIG_CUSTOMER:
                # Spare Portal Admins: at most 5 PINs per account and hour (S4), one per run.
                accounts += [(f"pa{n:02d}-", PORTAL_ADMIN) for n in range(2, PORTAL_ADMIN_SPARES + 2)]
            for prefix, role in accounts:
                uid += 1
                name = f"{prefix}{1_000_000 + customer}"
                yield dict(base, id=uid, first_name="Bench", last_name=name, username=name,
                           username_key=username_key(name), email=f"{name}@bench.example",
                           customer_id=customer), role_ids[role]
        # Spare admins like the spare Portal Admins: a run signs in once, 5 PINs per account and hour (S4).
        staff = [(name, ADMIN) for name in ADMIN_USERS] + [("bench-sales", SALES), ("bench-service", SERVICE)]
        staff += [(f"bench-staff{n:02d}", SERVICE if n % 2 else SALES) for n in range(1, 21)]
        for name, role in staff:
            uid += 1
            yield dict(base, id=uid, first_name="Bench", last_name=name, username=name,
                       username_key=username_key(name), email=f"{name}@bench.example", customer_id=None), role_ids[role]


def _insert(conn, table, rows, label: str, total: int, gen: Generator) -> None:
    progress = Progress(label, total)
    batch: list[dict] = []
    n = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            conn.execute(table.insert(), batch)
            progress.add(len(batch))
            n += len(batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)
        progress.add(len(batch))
        n += len(batch)
    gen.timings[label] = round(progress.close(), 1)
    gen.counts[label] = n


def _reset_postgres(database_url: str, force: bool) -> None:
    """Empty the PostgreSQL database: only with --force, or when it holds no tables yet."""
    from sqlalchemy import create_engine, inspect

    engine = create_engine(database_url)
    tables = inspect(engine).get_table_names()
    if tables and not force:
        engine.dispose()
        raise SystemExit(f"{database_url} already holds tables that are not a current bench dataset; "
                         "pass --force (REGENERATE=1) to wipe it")
    if tables:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def _run_cli(args: list[str], env: dict) -> None:
    subprocess.run(FLASK + args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def generate(scale: str, database_url: str, backend: str, force: bool = False) -> dict:
    """Create (or reuse) the dataset of `scale` at `database_url`; return its description."""
    meta = load_meta(scale, backend)
    if not force and is_reusable(meta, database_url):
        log(f"reusing dataset {dataset_name(scale, backend)} (revision {meta['revision']}, "
            f"generated in {meta['seconds']:.0f} s); --regenerate forces a new one")
        # Views added since the dataset was made need their permissions (idempotent, quick).
        _run_cli(["roles", "sync"], app_env(database_url, storage_dir(scale, backend)))
        return meta
    sizes = Sizes.for_scale(scale)
    storage = storage_dir(scale, backend)
    started = time.monotonic()
    log(f"generating dataset {scale}: {sizes}")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    if backend == "sqlite":
        path = sqlite_path(scale)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    else:
        _reset_postgres(database_url, force)
    if storage.exists():
        subprocess.run(["rm", "-rf", str(storage)], check=True)
    storage.mkdir(parents=True)
    env = app_env(database_url, storage)
    log("schema: flask db upgrade + roles sync")
    _run_cli(["db", "upgrade"], env)
    _run_cli(["roles", "sync"], env)

    app = bench_app(database_url, storage)
    gen = Generator(scale, sizes)
    with app.app_context():
        _fill(app, gen, storage, backend)
    seconds = time.monotonic() - started
    meta = dict(scale=scale, backend=backend, database_url=database_url, revision=current_head(),
                generator_version=GENERATOR_VERSION, seconds=round(seconds, 1), counts=gen.counts,
                timings=gen.timings, storage=str(storage), password=BENCH_PASSWORD,
                big_customer=BIG_CUSTOMER, sampled_customers=len(sampled_customers(sizes)))
    meta_path(scale, backend).write_text(json.dumps(meta, indent=2))
    log(f"dataset {scale} ready in {seconds:.0f} s ({sum(gen.counts.values()):,} rows)")
    return meta


def _fill(app, gen: Generator, storage: Path, backend: str) -> None:
    from sqlalchemy import select, text

    from app import models as m
    from app.extensions import db
    from app.services.auth.passwords import hash_password
    from flask_appbuilder.security.sqla.models import Role, assoc_user_role

    sizes = gen.sizes
    engine = db.engine
    assert str(engine.url.render_as_string(hide_password=False)) == app.config["SQLALCHEMY_DATABASE_URI"]
    password_hash = hash_password(BENCH_PASSWORD)  # scrypt once, reused by every account
    with engine.connect() as conn:
        role_ids = {name: rid for rid, name in conn.execute(select(Role.id, Role.name))}
    n_features = len(list(gen.option_type_features()))
    n_options = sum(options_of(c, sizes.options_per_contract) for c in range(1, sizes.contracts + 1))
    ticket_customers: dict[int, int] = {}

    def tickets_remembered():
        for row in gen.tickets():
            ticket_customers[row["id"]] = row["customer_id"]
            yield row

    users = list(gen.users(password_hash, role_ids))
    plan = [
        (m.Product.__table__, gen.products, len(list(gen.products()))),
        (m.OptionType.__table__, gen.option_types, n_features),
        (m.product_option_type, gen.product_option_types, len(list(gen.product_option_types()))),
        (m.Customer.__table__, gen.customers, sizes.customers),
        (m.ContactPerson.__table__, gen.contact_persons, sizes.customers),
        (m.Contract.__table__, gen.contracts, sizes.contracts),
        (m.Location.__table__, gen.locations, sizes.contracts),
        (m.ContractOption.__table__, gen.contract_options, n_options),
        (m.PhoneNumber.__table__, gen.phone_numbers, sizes.contracts * sizes.numbers_per_contract),
        (m.SipAccount.__table__, gen.sip_accounts, sizes.contracts // 2),
        (m.DslAccount.__table__, gen.dsl_accounts, sizes.contracts // 6),
        (m.Invoice.__table__, gen.invoices, sizes.invoices),
        (m.Order.__table__, gen.orders, sizes.orders),
        (m.OrderItem.__table__, gen.order_items, sizes.orders * 2),
        (m.OrderStep.__table__, gen.order_steps, sizes.orders * 3),
        (m.Document.__table__, lambda: gen.documents(storage), sizes.documents),
        (m.CallRecord.__table__, gen.call_records, sizes.calls),
        (m.Ticket.__table__, tickets_remembered, sizes.tickets),
        (m.TicketComment.__table__, lambda: gen.ticket_comments(ticket_customers), sizes.tickets),
        (m.EServiceUser.__table__, lambda: (u for u, _ in users), len(users)),
        (assoc_user_role, lambda: (dict(id=i, user_id=u["id"], role_id=r)
                                   for i, (u, r) in enumerate(users, start=1)), len(users)),
    ]
    with engine.begin() as conn:
        if backend == "sqlite":
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            conn.exec_driver_sql("PRAGMA cache_size=-400000")
        # ab_user_role rows from roles sync? none: it only creates roles and permissions.
        for table, rows, total in plan:
            _insert(conn, table, rows(), table.name, total, gen)
    with engine.begin() as conn:
        if backend == "postgresql":
            for table, _rows, _total in plan:
                if "id" not in table.c:
                    continue
                seq = conn.execute(text("select pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
                seq = seq or f"{table.name}_id_seq"
                conn.execute(text(f"select setval('{seq}', (select coalesce(max(id), 1) from {table.name}))"))
    log("ANALYZE (planner statistics, as autovacuum/`PRAGMA optimize` would keep them)")
    if backend == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def resolve_database(scale: str, backend: str, database_url: str | None):
    """(database_url, backend name, cluster or None) for a run."""
    from config import normalise_database_url

    if database_url:
        url = normalise_database_url(database_url)
        return url, ("sqlite" if url.startswith("sqlite") else "postgresql"), None
    if backend == "postgres":
        from bench.pgcluster import Cluster

        cluster = Cluster(scale)
        return cluster.start(), "postgresql", cluster
    return f"sqlite:///{sqlite_path(scale)}", "sqlite", None


def main(argv: list[str] | None = None) -> int:
    """Command line: generate (or reuse) one dataset."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="L", choices=sorted(SCALES))
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--force", action="store_true", help="generate again even if a dataset exists")
    args = parser.parse_args(argv)
    url, backend, cluster = resolve_database(args.scale, args.backend, os.environ.get("DATABASE_URL"))
    try:
        meta = generate(args.scale, url, backend, force=args.force)
        print(json.dumps({k: meta[k] for k in ("scale", "backend", "seconds", "counts")}, indent=2))
    finally:
        if cluster:
            cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
