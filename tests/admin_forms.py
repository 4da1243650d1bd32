"""Turn an admin change page into the POST data its form would send, so tests change only what they name."""


def _value(bound_field):
    value = bound_field.value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return value


def _form_data(form, data):
    for name in form.fields:
        bound = form[name]
        value = _value(bound)
        if value == "" and getattr(form.fields[name].widget, "input_type", "") == "checkbox":
            continue  # an unticked checkbox sends nothing
        data[bound.html_name] = value


def change_form_data(response):
    """The data the change form on ``response`` would post unchanged (main form and every inline)."""
    context = response.context
    data = {}
    form = context["adminform"].form
    _form_data(form, data)
    if "tags" in form.fields:
        tags = form["tags"].value()
        if not isinstance(tags, str):
            tags = ", ".join(t.tag.name if hasattr(t, "tag") else str(t) for t in tags or [])
        data[form["tags"].html_name] = tags
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for name, field in formset.management_form.fields.items():
            data[formset.management_form[name].html_name] = formset.management_form[name].value() or field.initial or 0
        for f in formset.forms:
            _form_data(f, data)
    return {k: v for k, v in data.items() if v != "" or not k.endswith("DELETE")}
