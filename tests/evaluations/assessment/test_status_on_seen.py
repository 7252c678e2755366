"""A version is published or retired as its page showed it: a page opened before another admin
changed the version's status refuses the step and shows the version as it is now."""

from __future__ import annotations

import re

from evaluations.assessment import services
from evaluations.assessment.models import AssessmentTemplate, TemplateStatus

_REVISION = re.compile(r'name="revision" type="hidden" value="(\d+)"')


def test_a_publish_sent_after_a_colleague_retired_the_version_is_refused(as_user,
                                                                        make_template, db):
    """The page showed a draft; another admin published it, found it wrong and retired it. The
    stale Publish put the retired version back into use for new inspections."""
    template = make_template("safety", publish=False)
    browser, _ = as_user("admin")
    url = f"/evaluations/templates/{template.id}"
    revision = _REVISION.search(browser.get(url).get_data(as_text=True))[1]
    services.publish(template)
    services.retire(template)
    db.session.commit()

    refused = browser.post(f"{url}/publish", {"revision": revision})
    assert refused.status_code == 302
    page = browser.get(url).get_data(as_text=True)
    assert "Someone else changed this record" in page
    db.session.expire_all()
    assert db.session.get(AssessmentTemplate, template.id).status is TemplateStatus.RETIRED
    published = browser.post(f"{url}/publish", {"revision": _REVISION.search(page)[1]})
    assert published.status_code == 302
    db.session.expire_all()
    assert db.session.get(AssessmentTemplate, template.id).status is TemplateStatus.PUBLISHED
