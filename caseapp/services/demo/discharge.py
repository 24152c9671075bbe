"""Demo discharge: the medicines and blood counts a patient plausibly leaves hospital with.

Drawn from a random stream of its own (seeded by the case), so adding them leaves every other
demo fact as it was.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from caseapp.services.demo.rows import Rows

# (name, dose, frequency, until, why): usual prophylaxis after CAR-T, chosen per case below.
ANTIVIRAL = ("Aciclovir", "400 mg", "twice a day", "day +365 after infusion",
             "Herpes virus prophylaxis")  # fmt: skip
PJP = ("Co-trimoxazole", "960 mg", "Monday, Wednesday and Friday",
       "day +180 and CD4 count above 200/µL", "Pneumocystis prophylaxis")  # fmt: skip
ANTIFUNGALS = (
    ("Posaconazole", "300 mg", "once a day with food", "neutrophils above 0.5 × 10⁹/L",
     "Mould-active antifungal prophylaxis"),
    ("Fluconazole", "200 mg", "once a day", "neutrophils above 0.5 × 10⁹/L",
     "Antifungal prophylaxis"),
)  # fmt: skip
AFTER_ICANS = ("Levetiracetam", "500 mg", "twice a day", "day +30, then taper as advised",
               "Seizure prophylaxis after ICANS")  # fmt: skip
ENTECAVIR = ("Entecavir", "0.5 mg", "once a day", "12 months after the last immunosuppression",
             "Hepatitis B reactivation prophylaxis (anti-HBc positive)")  # fmt: skip
PPI = ("Omeprazole", "20 mg", "once a day before breakfast", "steroids are stopped",
       "Stomach protection while on dexamethasone taper")  # fmt: skip


def add_discharge(
    rows: Rows, case_id: int, infusion: date, discharge: date, today: date, icans: int
) -> None:
    """Medicines and counts at discharge, and the day +28 counts once that day is past."""
    rng = random.Random(case_id * 7919 + infusion.toordinal())
    meds = [ANTIVIRAL, PJP, rng.choice(ANTIFUNGALS)]
    if icans:
        meds += [AFTER_ICANS, PPI]
    if rng.random() < 0.15:
        meds.append(ENTECAVIR)
    for name, dose, frequency, until, reason in meds:
        rows.add("discharge_medications", case_id=case_id, name=name, dose=dose,
                 frequency=frequency, until=until, reason=reason)  # fmt: skip
    day28 = infusion + timedelta(days=28)
    moments = [("discharge", discharge)]
    if day28 <= today:
        moments.insert(0, ("day28", day28))
    for moment, taken in moments:
        rows.add(
            "blood_counts",
            case_id=case_id,
            moment=moment,
            taken_on=taken,
            anc=Decimal(rng.randint(30, 350)) / 100,
            platelets=rng.randint(18, 190),
            haemoglobin=rng.randint(72, 128),
        )
