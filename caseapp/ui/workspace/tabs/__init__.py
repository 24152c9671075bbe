"""One module per workspace tab, in the order the tabs appear."""

from caseapp.ui.workspace.tabs.eligibility import EligibilityTab
from caseapp.ui.workspace.tabs.followup import FollowupTab
from caseapp.ui.workspace.tabs.history import HistoryTab
from caseapp.ui.workspace.tabs.interpreters import InterpretersTab
from caseapp.ui.workspace.tabs.lodging import LodgingTab
from caseapp.ui.workspace.tabs.overview import OverviewTab
from caseapp.ui.workspace.tabs.records import RecordsTab
from caseapp.ui.workspace.tabs.treatment import TreatmentTab
from caseapp.ui.workspace.tabs.visa import VisaTab

TAB_CLASSES = (
    OverviewTab,
    RecordsTab,
    EligibilityTab,
    VisaTab,
    LodgingTab,
    InterpretersTab,
    TreatmentTab,
    FollowupTab,
    HistoryTab,
)

__all__ = ["TAB_CLASSES"]
