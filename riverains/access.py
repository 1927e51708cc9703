"""Whether a request has passed its second factor: shared by the console's door
(territories.access) and the Django admin's (riverains.admin_site)."""


def is_verified(user):
    # OTPMiddleware adds is_verified(); a request built without it (a test factory) is not verified.
    return getattr(user, "is_verified", lambda: False)()
