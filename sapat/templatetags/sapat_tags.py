"""Template tags shared by every app's pages."""

from django import template

from sapat.history import history_rows

register = template.Library()


@register.inclusion_tag("includes/_history.html")
def history_tab(obj, limit: int = 50):
    """The "History" tab of a detail page: who changed what, when and why."""
    return {"rows": history_rows(obj, limit=limit), "object": obj}


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with ``changes`` applied (for pagination)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def bs_widget(bound_field):
    """Render a form field's widget with Bootstrap's classes."""
    widget_type = bound_field.widget_type
    if widget_type in {"select", "selectmultiple"}:
        css = "form-select"
    elif widget_type in {"checkbox", "radioselect", "checkboxselectmultiple"}:
        css = "form-check-input"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    if bound_field.errors:
        attrs["aria-describedby"] = f"{bound_field.auto_id}-errors"
        attrs["aria-invalid"] = "true"
    return bound_field.as_widget(attrs=attrs)
