"""The demo logins: one per portal role for two customers, one per back-office role.

The passwords follow R-AUTH-2 and are printed by `make run` and written in the README.
Portal Admin and Accounting sign in with an SMS PIN (R-AUTH-6); in development the
PIN appears on the server console, so every demo user has a mobile number.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.roles import ACCOUNTING, ADMIN, PBX_ADMIN, PORTAL_ADMIN, SALES, SERVICE


@dataclass(frozen=True)
class DemoLogin:
    role: str
    customer_number: str | None
    username: str
    password: str
    first_name: str
    last_name: str
    email: str
    mobile: str


DEMO_LOGINS = [
    DemoLogin(PORTAL_ADMIN, "9000001", "customer9000001", "Rhein#Portal2026", "Sabine", "Krämer",
              "s.kraemer@rheinland-logistik.example", "+4917155501001"),
    DemoLogin(PBX_ADMIN, "9000001", "rheinland.tk", "Rhein#Anlage2026", "Jens", "Großmann",
              "j.grossmann@rheinland-logistik.example", "+4917155501002"),
    DemoLogin(ACCOUNTING, "9000001", "rheinland.buha", "Rhein#Rechnung26", "Petra", "Schäfer",
              "buchhaltung@rheinland-logistik.example", "+4917155501003"),
    DemoLogin(PORTAL_ADMIN, "9000002", "customer9000002", "Alpen#Portal2026", "Florian", "Huber",
              "f.huber@hotel-alpenblick.example", "+4915155502001"),
    DemoLogin(PBX_ADMIN, "9000002", "alpenblick.tk", "Alpen#Anlage2026", "Maria", "Brandstätter",
              "technik@hotel-alpenblick.example", "+4915155502002"),
    DemoLogin(ACCOUNTING, "9000002", "alpenblick.buha", "Alpen#Rechnung26", "Anton", "Wimmer",
              "rechnung@hotel-alpenblick.example", "+4915155502003"),
    DemoLogin(SALES, None, "vertrieb.demo", "Vertrieb#2026eco", "Lena", "Vogt",
              "l.vogt@ecotel.example", "+4916055503001"),
    DemoLogin(SERVICE, None, "service.demo", "Service#2026eco", "Murat", "Yılmaz",
              "m.yilmaz@ecotel.example", "+4916055503002"),
    DemoLogin(ADMIN, None, "admin.demo", "Admin#2026ecotel", "Katrin", "Lorenz",
              "k.lorenz@ecotel.example", "+4916055503003"),
]


# Nordsee Software's Portal Admin was entered with the customer and has not activated the
# account yet (R-AUTH-4): no password, the activation email with its set-password link waits
# in the outbox. Not a login of the table above: it cannot sign in until activated.
PENDING_PORTAL_ADMIN = DemoLogin(PORTAL_ADMIN, "9000003", "customer9000003", "", "Ole", "Petersen",
                                 "o.petersen@nordsee-software.example", "+4916055503301")
