def bootstrap_staff_invitation(*, email: str) -> str | None:
    return None
