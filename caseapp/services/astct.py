"""ASTCT consensus grading of CRS and ICANS (Lee et al., Biol Blood Marrow Transplant 2019).

Pure functions: the grade is the worst domain. The Treatment tab's form has one input per
domain and shows the grade these give; the services refuse a grade the findings contradict.
"""

from __future__ import annotations

from dataclasses import dataclass

from caseapp.services.errors import ValidationError

HYPOTENSION = ("none", "fluids", "one_vasopressor", "several_vasopressors")
HYPOXIA = ("none", "low_flow", "high_flow", "positive_pressure")

# Level of consciousness (ASTCT ICANS): the grade each answer gives.
CONSCIOUSNESS = {
    "alert": 0,  # not depressed
    "spontaneously": 1,  # awakens spontaneously
    "voice": 2,  # awakens to voice
    "touch": 3,  # awakens only to tactile stimulus
    "unarousable": 4,  # unarousable, or needs vigorous or repetitive stimuli; stupor or coma
}
SEIZURE = {"none": 0, "resolving": 3, "prolonged": 4}  # resolving rapidly / > 5 min, repeated
MOTOR = {"none": 0, "deep_focal_weakness": 4}  # hemiparesis, paraparesis
# Raised intracranial pressure / cerebral oedema: focal oedema on imaging 3; diffuse oedema,
# decerebrate or decorticate posturing, cranial nerve VI palsy, papilloedema or Cushing's triad 4.
ICP = {"none": 0, "focal": 3, "diffuse": 4}


def crs_grade(fever: bool, hypotension: str = "none", hypoxia: str = "none") -> int:
    """ASTCT CRS grade; hypotension: none|fluids|one_vasopressor|several_vasopressors,
    hypoxia: none|low_flow|high_flow|positive_pressure. The worse of the two sets the grade."""
    if not fever:
        return 0
    if hypotension not in HYPOTENSION or hypoxia not in HYPOXIA:
        raise ValidationError("Choose the hypotension and hypoxia from the lists.", "grade")
    return max(HYPOTENSION.index(hypotension), HYPOXIA.index(hypoxia)) + 1


@dataclass(frozen=True)
class IcansFindings:
    """One answer per ASTCT ICANS domain; ice_score None when it cannot be assessed."""

    ice_score: int | None = 10
    consciousness: str = "alert"
    seizure: str = "none"
    motor: str = "none"
    icp: str = "none"


def _ice_grade(score: int | None) -> int:
    if score is None:
        return 0
    if not 0 <= score <= 10:
        raise ValidationError("The ICE score is out of 10.", "ice_score")
    if score == 10:
        return 0
    return 1 if score >= 7 else 2 if score >= 3 else 3


def icans_grade_of(f: IcansFindings) -> int:
    """The worst domain; an unarousable patient is grade 4 whatever ICE score was typed."""
    for value, table, field in (
        (f.consciousness, CONSCIOUSNESS, "consciousness"),
        (f.seizure, SEIZURE, "seizure"),
        (f.motor, MOTOR, "motor"),
        (f.icp, ICP, "icp"),
    ):
        if value not in table:
            raise ValidationError(f"Choose the {field.replace('icp', 'ICP')} from the list.", field)
    return max(
        _ice_grade(f.ice_score),
        CONSCIOUSNESS[f.consciousness],
        SEIZURE[f.seizure],
        MOTOR[f.motor],
        ICP[f.icp],
    )


def icans_grade(
    ice_score: int | None,
    *,
    consciousness: str = "alert",
    seizure: str = "none",
    motor: str = "none",
    icp: str = "none",
) -> int:
    """ASTCT ICANS grade for adults from each domain (see IcansFindings)."""
    return icans_grade_of(IcansFindings(ice_score, consciousness, seizure, motor, icp))
