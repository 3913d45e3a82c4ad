from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError


def service_error_dict(error: ValidationError, *, non_field_key: str = "__all__") -> dict:
    """A service's ValidationError as {field: [messages]}, for templates that mark fields."""
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {non_field_key: error.messages}


def messages_add_service_errors(request, error: ValidationError) -> None:
    """Shows every message of a service's ValidationError as a flash message."""
    for texts in service_error_dict(error).values():
        for text in texts:
            messages.error(request, text)


def form_add_service_errors(form, error: ValidationError) -> None:
    """Shows a service's ValidationError on the form: by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_service_call(request, form, call, success: str):
    """Runs a service (`call`, with the form's cleaned data bound in) on behalf of a page: its
    refusals come back on the form, its success as a flash message. Returns the service's
    result, or None when it refused."""
    try:
        result = call()
    except ValidationError as error:
        form_add_service_errors(form, error)
        return None
    messages.success(request, success)
    return result


class BootstrapFormMixin:
    """Gives every widget Bootstrap's classes so templates can render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
