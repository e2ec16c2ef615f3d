"""Every model, imported in one place so Alembic and the app see the whole schema."""

from .api.models import ApiToken
from .audit.models import AuditEvent
from .auth.models import LoginFailure, Role, User
from .calendar.models import CalendarToken
from .courses.models import LessonCompletion
from .home.models import DeploymentMarker
from .notifications.models import Notification, NotificationPreference, OutboundMail
from .quizzes.models import EssayGrade, QuizAttempt
from .readiness.models import KeptReadiness
from .roleplays.models import Attachment, Review, ReviewPoolMember, RoleplaySubmission
from .schedule.models import SchedulePause
from .signoffs.models import SignOff, SignOffRequest
from .stale.models import StaleDecision
from .team.models import Clearance

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "CalendarToken",
    "Clearance",
    "DeploymentMarker",
    "EssayGrade",
    "KeptReadiness",
    "LessonCompletion",
    "LoginFailure",
    "Notification",
    "NotificationPreference",
    "OutboundMail",
    "QuizAttempt",
    "Review",
    "ReviewPoolMember",
    "Role",
    "RoleplaySubmission",
    "SchedulePause",
    "SignOff",
    "SignOffRequest",
    "StaleDecision",
    "User",
]
