"""Imports every model so the metadata (migrations, ``flask db check``) is complete."""

from credit_service.agencies.models import Agency, AnnualReport, FormerName, Licence  # noqa: F401
from credit_service.audit.models import AuditEvent  # noqa: F401
from credit_service.auth.models import ApiToken, User  # noqa: F401
from credit_service.cases.models import Case  # noqa: F401
from credit_service.disclosures.models import Disclosure, DisclosureEntry  # noqa: F401
from credit_service.documents.models import Document  # noqa: F401
from credit_service.feed.models import ChangeEvent  # noqa: F401
from credit_service.grading.models import Assessment, EvaluationRound  # noqa: F401
from credit_service.inspections.models import (  # noqa: F401
    Campaign,
    CampaignPhase,
    EnforcementAction,
    InspectionPlan,
    InspectionTarget,
    PlanInspector,
    SelfInspection,
)
from credit_service.jobs.models import JobRun, Reminder  # noqa: F401
from credit_service.lists.models import Listing, ListingEvent  # noqa: F401
from credit_service.records.models import Honour, Record  # noqa: F401
from credit_service.statistics.models import StatisticsEntry  # noqa: F401
