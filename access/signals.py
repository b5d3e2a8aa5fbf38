"""Events access announces; higher apps (generation) act on them.

Every signal is sent with sender=None from transaction.on_commit, so receivers
only ever hear about changes that are in the database.
"""

from django.dispatch import Signal

# user: the revoked User; reason: str; by: the User who revoked, or None (shell).
person_revoked = Signal()
# user: the restored User; by: User or None.
person_restored = Signal()
# state: the access.models.SiteState now in force; lockout: bool (non-staff signed out).
site_paused = Signal()
# state: the access.models.SiteState now in force.
site_resumed = Signal()
