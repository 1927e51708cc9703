"""A service's refusal onto the form that asked: the console, the public pages and the API call
the same service functions (one per action), which raise ValidationError keyed by their own
field names; a form shows each message next to its field, or above the form."""


def add_service_errors(form, error, renames=None):
    """Put `error` (a ValidationError) on `form`: a message keyed by a field the form has goes
    next to it (`renames`: the service's name → the form's, where they differ); the others,
    and a message without a field, go on the form itself."""
    renames = renames or {}
    errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for name, messages in errors.items():
        field = renames.get(name, name)
        form.add_error(field if field in form.fields else None, messages)
