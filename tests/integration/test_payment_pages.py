"""The pages of the court's payment flow (#21): approvers see what their position decides
now, never an approve button on their own person's request; finance reviews and exports."""

from reconcile.services import tokens, users
from tests.integration import court_flow
from tests.integration.court_flow import DIRECTOR, LEADER, PAYEE, approve, request
from tests.integration.staff_pages import PASSWORD, post_form, sign_in

settings = court_flow.settings
staff = court_flow.staff
funded = court_flow.funded


def staff_user(uow, admin, court, settings, username, role, position=None, person=None):
    users.create_user(
        uow(),
        admin,
        username=username,
        password=PASSWORD,
        role=role,
        courts=[court.code],
        person=person,
        position=position,
        settings=settings,
    )
    return username


def signed_in(app, username):
    browser = app.test_client()
    assert sign_in(browser, username).status_code == 302
    return browser


def test_an_approver_sees_only_the_levels_their_position_decides(
    app, client, uow, admin, court, settings, staff, funded
):
    staff_user(uow, admin, court, settings, "leader", "approver", LEADER)
    staff_user(uow, admin, court, settings, "director", "approver", DIRECTOR)
    case = funded(300_000_00)
    large = request(client, case["id"], "150000.00", staff.judge).get_json()
    small = request(client, case["id"], "500.00", staff.judge).get_json()
    leader, director = signed_in(app, "leader"), signed_in(app, "director")
    page = leader.get("/approvals").get_data(as_text=True)
    assert f'id="approval-{large["id"]}"' not in page and f'id="approval-{small["id"]}"' not in page
    page = director.get("/approvals").get_data(as_text=True)
    assert f'id="approval-{large["id"]}"' in page and f'id="approval-{small["id"]}"' in page
    approve(client, large["id"], staff.director)
    page = leader.get("/approvals").get_data(as_text=True)
    assert f'id="approval-{large["id"]}"' in page and 'data-testid="approve"' in page
    assert f'id="approval-{large["id"]}"' not in director.get("/approvals").get_data(as_text=True)


def test_the_requesters_person_sees_no_approve_button_under_another_credential(
    app, client, uow, admin, court, settings, funded
):
    judge_token = tokens.create_token(
        uow(), admin, role="admin", courts=[court.code], name="张三的令牌", person="张三"
    )
    case = funded(50_000_00)
    made = request(client, case["id"], "100.00", {"Authorization": f"Bearer {judge_token}"})
    staff_user(uow, admin, court, settings, "zhangsan", "approver", DIRECTOR, person="张三")
    page = signed_in(app, "zhangsan").get("/approvals").get_data(as_text=True)
    card = page[page.index(f'id="approval-{made.get_json()["id"]}"') :]
    card = card[: card.index("</article>")]
    assert 'data-testid="not-yours"' in card and 'data-testid="approve"' not in card


def test_finance_reviews_on_the_page_and_exports_a_payment_file(
    app, client, uow, admin, court, settings, staff, funded
):
    staff_user(uow, admin, court, settings, "wangjing", "finance", "财务人员")
    case = funded(50_000_00)
    made = request(client, case["id"], "2000.00", staff.judge).get_json()
    approve(client, made["id"], staff.director)
    finance = signed_in(app, "wangjing")
    queue = finance.get("/payments/review").get_data(as_text=True)
    assert made["reference"] in queue and "执行局长 周强（执行局长）" in queue
    done = post_form(
        finance, "/payments/review", f"/payments/{made['id']}/review", decision="approve", note=""
    )
    assert done.status_code == 302
    assert f'id="review-{made["id"]}"' not in finance.get("/payments/review").get_data(as_text=True)
    exported = post_form(finance, "/payments/files", "/payments/files", court=court.code)
    assert exported.status_code == 302
    files = finance.get("/payments/files").get_data(as_text=True)
    assert "PB0000000001" in files
    csv_file = finance.get("/payments/files/1/download?format=csv")
    assert made["reference"] in csv_file.get_data(as_text=True) and PAYEE in csv_file.get_data(
        as_text=True
    )
    form = finance.get(f"/payments/{made['id']}/approval-form").get_data(as_text=True)
    assert "贰仟元整" in form and "执行局长 周强（执行局长）" in form
    assert (
        signed_in(app, staff_user(uow, admin, court, settings, "app", "approver"))
        .get("/payments/review")
        .status_code
        == 403
    )


def test_a_return_on_the_page_needs_a_reason_and_is_shown(
    app, client, uow, admin, court, settings, staff, funded
):
    staff_user(uow, admin, court, settings, "wangjing", "finance", "财务人员")
    case = funded(50_000_00)
    made = request(client, case["id"], "2000.00", staff.judge).get_json()
    approve(client, made["id"], staff.director)
    finance = signed_in(app, "wangjing")
    post_form(finance, "/payments/review", f"/payments/{made['id']}/review", decision="return")
    still = client.get(f"/api/v1/disbursements/{made['id']}", headers=staff.finance).get_json()
    assert still["status"] == "in_review"  # no reason: refused
    post_form(
        finance,
        "/payments/review",
        f"/payments/{made['id']}/review",
        decision="return",
        note="户名不符",
    )
    returned = client.get(f"/api/v1/disbursements/{made['id']}", headers=staff.finance).get_json()
    assert (returned["status"], returned["review_note"]) == ("returned", "户名不符")
