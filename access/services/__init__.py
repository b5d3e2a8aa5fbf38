"""Writes for access: invitations, revocation and the site pause, quotas, API tokens,
sign-in auditing. Views, admin, commands and other apps call these, always as
`from access.services import ...`; each lives in the submodule of its section."""

from access.services.api_tokens import (
    token_authenticate,
    token_create,
    token_revoke,
    token_unsuspend,
)
from access.services.invitations import (
    InvitationUnavailable,
    auth_login_failed_record,
    auth_login_record,
    bootstrap_staff_invitation,
    invitation_accept,
    invitation_consume,
    invitation_create,
    invitation_email_clean,
    invitation_link,
    invitation_path,
    invitation_revoke,
    invitation_send,
)
from access.services.quotas import quota_clear, quota_set
from access.services.revocation import (
    CohortMember,
    Revoked,
    cohort_revoke,
    person_restore,
    person_revoke,
    site_pause,
    site_resume,
)

__all__ = [
    "CohortMember",
    "InvitationUnavailable",
    "Revoked",
    "auth_login_failed_record",
    "auth_login_record",
    "bootstrap_staff_invitation",
    "cohort_revoke",
    "invitation_accept",
    "invitation_consume",
    "invitation_create",
    "invitation_email_clean",
    "invitation_link",
    "invitation_path",
    "invitation_revoke",
    "invitation_send",
    "person_restore",
    "person_revoke",
    "quota_clear",
    "quota_set",
    "site_pause",
    "site_resume",
    "token_authenticate",
    "token_create",
    "token_revoke",
    "token_unsuspend",
]
