"""The programme history admin page in a real browser: nothing refused by the CSP.

The ``new_page`` fixture fails the test on any Content-Security-Policy refusal that
Chromium reports; the page once carried an inline style attribute.
"""

import pytest

from tests.e2e.conftest import log_in
from tests.factories import ManagerFactory, PatientFactory, PrescriptionFactory


@pytest.fixture
def manager(transactional_db, clinic):
    return ManagerFactory(clinic=clinic, username="morgan")


def test_a_managers_programme_history_page_loads_without_a_csp_refusal(page, base_url, manager):
    programme = PrescriptionFactory(
        patient=PatientFactory(clinic=manager.clinic), therapist=manager, title="Hip set"
    )
    programme.title = "Hip set, week 2"
    programme.save()
    log_in(page, base_url, manager)

    page.goto(f"{base_url}/admin/patients/prescription/{programme.pk}/history/")

    assert page.get_by_role("cell", name="Hip set, week 2").first.is_visible()
    assert page.locator("p.history-paginator").inner_text().strip().endswith("2 entries")
    border = page.locator("p.history-paginator").evaluate(
        "element => getComputedStyle(element).borderTopStyle"
    )
    assert border == "none"  # the rule from admin.css, not an inline style
