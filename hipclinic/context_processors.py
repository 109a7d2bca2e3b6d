"""What every app page's frame (templates/base.html) needs: the clinic and the current section."""

# The navigation section a page belongs to, from the start of its URL name.
SECTIONS = {
    "today": "today",
    "patient": "patients",
    "programme": "patients",
    "exercise": "library",
    "protocol": "protocols",
    "monitoring": "monitoring",
}


def app_frame(request) -> dict:
    match = getattr(request, "resolver_match", None)
    url_name = (match.url_name or "") if match else ""
    section = next((s for prefix, s in SECTIONS.items() if url_name.startswith(prefix)), "")
    user = getattr(request, "user", None)
    clinic = user.clinic if user is not None and user.is_authenticated and user.clinic_id else None
    return {"nav_section": section, "current_clinic": clinic}
