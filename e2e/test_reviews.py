"""Reviews on the product page: the reviews MFE in the shell's secondary slot under the catalog's
product detail — reading the rating and reviews, writing and rewriting one's own, helpful votes
and reports, review text shown as text, and leaving nothing behind when the page moves on.

Other shoppers' reviews are written straight through the gateway's API; each test uses its own
product so the tests do not see each other's reviews.
"""

import json
import re
import time
import urllib.request
import uuid

from playwright.sync_api import Page, expect

from conftest import BASE_URL
from pages import PASSWORD, fill_sign_in, open_page, register_via_api, wait_settled

SECTION = "[data-testid=reviews-section]"
SECONDARY = "#slot-secondary"

# Records every storefront:review-posted the page hears.
RECORD_REVIEW_POSTED = """
window.__reviewPosted = [];
window.addEventListener("storefront:review-posted", (e) => window.__reviewPosted.push(e.detail));
"""


def api(method: str, path: str, token: str | None = None, body: dict | None = None):
    """Calls the gateway's API; answers (status, JSON body or None)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{BASE_URL}/api{path}", data=data, headers=headers, method=method)
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return response.status, (json.loads(text) if text else None)


def new_shopper(name: str) -> tuple[str, str]:
    """Registers someone; answers (email, access token)."""
    email = f"rev-{uuid.uuid4().hex[:10]}@example.com"
    register_via_api(BASE_URL, email, name=name)
    _, grant = api("POST", "/identity/sessions", body={"email": email, "password": PASSWORD})
    return email, grant["accessToken"]


def review_by_someone(product: int, rating: int, title: str, name: str = "Other Shopper") -> str:
    """Another shopper reviews `product`; answers the review id."""
    _, token = new_shopper(name)
    status, review = api(
        "PUT",
        f"/reviews/products/{product}/reviews/mine",
        token,
        {"rating": rating, "title": title, "body": f"{title}: written by {name} for the tests."},
    )
    assert status == 201
    return review["id"]


def sign_in_on(page: Page, product: int, name: str = "Rita Reviewer") -> str:
    """Signs a new shopper in through the shell and comes back to the product page."""
    email, _ = new_shopper(name)
    page.goto(f"/login?returnTo=%2Fproducts%2F{product}")
    fill_sign_in(page, email)
    expect(page).to_have_url(f"{BASE_URL}/products/{product}")
    expect(page.locator("[data-testid=review-form]")).to_be_visible()
    return email


def write(page: Page, stars: int, title: str, body: str) -> None:
    form = page.locator("[data-testid=review-form]")
    form.locator(f"[data-testid=star-{stars}]").click()
    form.locator("input[name=title]").fill(title)
    form.locator("textarea[name=body]").fill(body)
    form.locator("[data-testid=submit-review]").click()


def expect_reviews_of(page: Page, product: int) -> None:
    expect(page.locator(SECONDARY)).to_have_attribute("data-state", "mounted")
    expect(page.locator(SECTION)).to_have_attribute("data-product-id", str(product))
    expect(page.locator("[data-testid=reviews-summary]")).to_be_visible()


def test_the_product_page_shows_the_catalog_and_the_reviews(page: Page):
    review_by_someone(21, 4, "Does the job")
    open_page(page, "/products/21")
    expect(page.locator("#slot-main")).to_have_attribute("data-mfe", "catalog")
    expect(page.locator("[data-testid=product-detail]")).to_have_attribute("data-product-id", "21")
    expect(page.locator(SECONDARY)).to_have_attribute("data-mfe", "reviews")
    expect_reviews_of(page, 21)
    expect(page.locator("[data-testid=reviews-average]")).to_have_text("4.0 out of 5")
    expect(page.locator("[data-testid=reviews-count]")).to_have_text("1 review")
    expect(page.locator("[data-testid=distribution-4] .reviews-bar-count")).to_have_text("1")
    expect(page.locator("[data-testid=distribution-5] .reviews-bar-count")).to_have_text("0")
    review = page.locator("[data-testid=review]")
    expect(review).to_have_count(1)
    expect(review.locator("[data-testid=review-title]")).to_have_text("Does the job")
    expect(review.locator("[data-testid=review-author]")).to_have_text("Other Shopper")
    expect(review.locator("[data-testid=helpful]")).to_have_text("Helpful (0)")
    # A visitor gets a way to sign in instead of the form.
    expect(page.locator("[data-testid=review-form]")).to_have_count(0)
    expect(page.locator("[data-testid=write-review-sign-in]")).to_be_visible()

    # The reviews follow the URL when the shell keeps them mounted for another product.
    page.evaluate("dispatchEvent(new CustomEvent('storefront:navigate', {detail: {to: '/products/22'}}))")
    expect(page.locator("[data-testid=product-detail]")).to_have_attribute("data-product-id", "22")
    expect_reviews_of(page, 22)
    expect(page.locator("[data-testid=reviews-empty]")).to_have_text("No reviews yet.")
    expect(page.locator("[data-testid=review]")).to_have_count(0)
    page.go_back()
    expect_reviews_of(page, 21)
    expect(page.locator("[data-testid=review]")).to_have_count(1)
    assert page.errors == []


def test_a_visitor_signs_in_to_write_and_comes_back_to_the_product(page: Page):
    email, _ = new_shopper("Vera Visitor")
    open_page(page, "/products/23")
    expect_reviews_of(page, 23)
    page.locator("[data-testid=write-review-sign-in]").click()
    expect(page).to_have_url(re.compile(r"/login\?returnTo=%2Fproducts%2F23$"))
    fill_sign_in(page, email)
    expect(page).to_have_url(f"{BASE_URL}/products/23")
    form = page.locator("[data-testid=review-form]")
    expect(form.locator("h3")).to_have_text("Write a review")

    # The limits are checked before anything is sent.
    form.locator("[data-testid=submit-review]").click()
    expect(form.locator("[data-testid=error-rating]")).to_have_text("Choose 1 to 5 stars.")
    expect(form.locator("[data-testid=error-title]")).to_have_text("Give your review a title.")
    expect(form.locator("[data-testid=error-body]")).to_have_text("Write at least 10 characters.")
    form.locator("input[name=title]").fill("x")
    expect(form.locator("[data-testid=error-title]")).to_have_text("")

    write(page, 4, "Sharp and light", "Cuts tomatoes like butter.")
    expect(form.locator("[data-testid=review-notice]")).to_have_text("Thank you — your review is posted.")
    expect(page.locator("[data-testid=reviews-count]")).to_have_text("1 review")
    mine = page.locator("[data-testid=review]")
    expect(mine.locator("[data-testid=review-author]")).to_have_text("Vera Visitor")
    expect(mine.locator("[data-testid=mine]")).to_be_visible()
    assert page.errors == []


def test_posting_updates_the_rating_at_once_and_tells_the_page(page: Page):
    review_by_someone(24, 5, "Perfect")
    page.add_init_script(RECORD_REVIEW_POSTED)
    sign_in_on(page, 24)
    expect(page.locator("[data-testid=reviews-average]")).to_have_text("5.0 out of 5")
    expect(page.locator("[data-testid=reviews-count]")).to_have_text("1 review")

    write(page, 2, "Not for me", "Too heavy for my hands.")
    expect(page.locator("[data-testid=reviews-average]")).to_have_text("3.5 out of 5")
    expect(page.locator("[data-testid=reviews-count]")).to_have_text("2 reviews")
    expect(page.locator("[data-testid=distribution-2] .reviews-bar-count")).to_have_text("1")
    expect(page.locator("[data-testid=review]")).to_have_count(2)

    page.wait_for_function("window.__reviewPosted.length > 0")
    heard = page.evaluate("window.__reviewPosted")
    _, read = api("GET", "/reviews/products/24/reviews")
    assert heard == [{"productId": 24, "ratingRevision": read["summary"]["revision"]}], heard
    assert read["summary"]["revision"] >= 2

    # The catalog MFE above shows its own copy of the rating, which follows by events: it
    # catches up without a reload.
    catalog_rating = page.locator("[data-testid=product-detail] [data-testid=rating]")
    expect(catalog_rating).to_have_attribute("data-count", "2")
    expect(catalog_rating).to_have_attribute("data-average", "3.5")
    assert page.errors == []


def wait_for_catalog_rating(product: int, count: int) -> None:
    """Waits until the catalog's copy of `product`'s rating counts `count` reviews."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        _, detail = api("GET", f"/catalog/products/{product}")
        if detail["rating"]["count"] >= count:
            return
        time.sleep(0.05)  # poll interval of the condition above
    raise AssertionError(f"the catalog never counted {count} reviews of product {product}")


def test_the_grid_shows_ratings_and_sorts_best_rated_first(page: Page):
    review_by_someone(31, 5, "Superb", name="Grid Fan")
    review_by_someone(31, 4, "Very good", name="Grid Fan 2")
    wait_for_catalog_rating(31, 2)
    open_page(page, "/?sort=rating_desc")
    expect(page.locator("[data-testid=sort]")).to_have_value("rating_desc")
    card = page.locator("[data-product-id='31'] [data-testid=rating]")
    expect(card).to_have_attribute("data-average", "4.5")
    expect(card).to_have_attribute("data-count", "2")
    averages = page.locator(".product-card [data-testid=rating]").evaluate_all(
        "els => els.map(e => Number(e.dataset.average || 0))"
    )
    assert averages == sorted(averages, reverse=True), averages
    assert averages[-1] == 0, "unrated products come last"
    expect(page.locator(".product-card .rating-none").first).to_have_text("No reviews yet")
    assert page.errors == []


def test_review_text_is_shown_as_text_and_never_runs(page: Page):
    title = '<img src=x onerror="window.__xss=1">'
    body = '<img src=x onerror="window.__xss=2"> and <script>window.__xss=3</script> & <b>bold</b>'
    sign_in_on(page, 25)
    write(page, 1, title, body)
    review = page.locator("[data-testid=review]")
    expect(review.locator("[data-testid=review-title]")).to_have_text(title)
    expect(review.locator("[data-testid=review-body]")).to_have_text(body)
    # Read again from the service, as every other shopper sees it.
    page.reload()
    wait_settled(page, SECONDARY)
    expect(review.locator("[data-testid=review-body]")).to_have_text(body)
    expect(review.locator("[data-testid=review-title]")).to_have_text(title)
    assert review.locator("img, script, b").count() == 0
    # Nowhere on the page did the text become markup (an element carrying the handler, or a
    # script with it), so no handler can be waiting to run: no need to wait and see.
    injected = page.evaluate(
        """() => document.querySelectorAll("[onerror]").length
            + Array.from(document.scripts).filter((s) => s.text.includes("__xss")).length"""
    )
    assert injected == 0, "the review's text became elements somewhere on the page"
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.errors == []


def test_a_second_submit_edits_the_same_review(page: Page):
    review_by_someone(26, 5, "Great")
    sign_in_on(page, 26)
    write(page, 3, "Fine", "Works, nothing special.")
    form = page.locator("[data-testid=review-form]")
    expect(page.locator("[data-testid=reviews-count]")).to_have_text("2 reviews")
    expect(form.locator("h3")).to_have_text("Edit your review")
    expect(form.locator("input[name=title]")).to_have_value("Fine")
    expect(form.locator("textarea[name=body]")).to_have_value("Works, nothing special.")
    expect(form.locator("[data-testid=star-3]")).to_have_attribute("aria-checked", "true")

    write(page, 4, "Better than I thought", "After a month of use it grew on me.")
    expect(form.locator("[data-testid=review-notice]")).to_have_text("Your review was updated.")
    expect(page.locator("[data-testid=reviews-average]")).to_have_text("4.5 out of 5")
    # Still one review per shopper: the count stays, the review says it was edited.
    expect(page.locator("[data-testid=reviews-count]")).to_have_text("2 reviews")
    mine = page.locator("[data-testid=review]", has=page.locator("[data-testid=mine]"))
    expect(mine).to_have_count(1)
    expect(mine.locator("[data-testid=review-title]")).to_have_text("Better than I thought")
    expect(mine.locator("[data-testid=edited]")).to_have_text("Edited")
    # One's own review cannot be voted for or reported.
    expect(mine.locator("[data-testid=helpful]")).to_be_disabled()
    expect(mine.locator("[data-testid=report]")).to_be_hidden()

    page.reload()
    wait_settled(page, SECONDARY)
    expect(page.locator("[data-testid=review-form] input[name=title]")).to_have_value("Better than I thought")
    assert page.errors == []


def test_helpful_and_report(page: Page):
    review_by_someone(27, 4, "Solid", name="First Writer")
    hidden_id = review_by_someone(27, 1, "Spam spam", name="Spammer")
    # Two shoppers reported the spam already; a third report hides it.
    for _ in range(2):
        _, token = new_shopper("Reporter")
        assert api("POST", f"/reviews/reviews/{hidden_id}/reports", token)[0] == 204

    # A visitor is sent to sign in first.
    open_page(page, "/products/27")
    expect(page.locator("[data-testid=review]")).to_have_count(2)
    page.locator("[data-testid=helpful]").first.click()
    expect(page).to_have_url(re.compile(r"/login\?returnTo=%2Fproducts%2F27$"))

    sign_in_on(page, 27)
    solid = page.locator("[data-testid=review]", has_text="Solid")
    solid.locator("[data-testid=helpful]").click()
    expect(solid.locator("[data-testid=helpful]")).to_have_text("Helpful (1)")
    expect(solid.locator("[data-testid=helpful]")).to_have_attribute("aria-pressed", "true")
    expect(solid.locator("[data-testid=helpful]")).to_be_disabled()

    # The service refusing a vote (409: e.g. one's own review) is said in words; nothing breaks.
    spam = page.locator("[data-testid=review]", has_text="Spam spam")
    page.route(
        "**/api/reviews/reviews/*/helpful",
        lambda route: route.fulfill(
            status=409,
            content_type="application/problem+json",
            body=json.dumps({"type": "/problems/own-review", "title": "That is your own review",
                             "status": 409, "detail": "Only other shoppers can mark your review helpful."}),
        ),
    )
    spam.locator("[data-testid=helpful]").click()
    expect(spam.locator("[data-testid=review-message]")).to_have_text("Only other shoppers can mark your review helpful.")
    expect(spam.locator("[data-testid=helpful]")).to_have_text("Helpful (0)")
    page.unroute("**/api/reviews/reviews/*/helpful")

    # Report asks first; dismissing sends nothing.
    page.once("dialog", lambda dialog: dialog.dismiss())
    spam.locator("[data-testid=report]").click()
    expect(spam.locator("[data-testid=report]")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    spam.locator("[data-testid=report]").click()
    expect(spam.locator("[data-testid=reported]")).to_have_text("Reported — thank you")
    expect(spam.locator("[data-testid=report]")).to_be_hidden()

    # Hidden after the third report: gone on the next read, and out of the rating.
    page.reload()
    wait_settled(page, SECONDARY)
    expect(page.locator("[data-testid=review]")).to_have_count(1)
    expect(page.locator("[data-testid=reviews-count]")).to_have_text("1 review")
    expect(page.locator("[data-testid=reviews-average]")).to_have_text("4.0 out of 5")
    expect(page.locator("[data-testid=helpful]")).to_have_text("Helpful (1)")
    assert page.errors == []


def test_pages_and_order(page: Page):
    ids = [review_by_someone(28, 3, f"Review number {n}", name=f"Writer {n}") for n in range(11)]
    _, token = new_shopper("Voter")
    api("POST", f"/reviews/reviews/{ids[0]}/helpful", token)
    open_page(page, "/products/28")
    titles = page.locator("[data-testid=review-title]")
    expect(titles).to_have_count(10)
    expect(titles.first).to_have_text("Review number 10")
    expect(page.locator("[data-testid=reviews-page]")).to_have_text("Page 1 of 2")
    page.locator(".reviews-pager button", has_text="Next").click()
    expect(page.locator("[data-testid=reviews-page]")).to_have_text("Page 2 of 2")
    expect(titles).to_have_count(1)
    expect(titles.first).to_have_text("Review number 0")
    # Another order starts again at page 1; the URL stays the product's.
    page.locator("[data-testid=reviews-sort]").select_option("helpful")
    expect(page.locator("[data-testid=reviews-page]")).to_have_text("Page 1 of 2")
    expect(titles.first).to_have_text("Review number 0")
    expect(page).to_have_url(f"{BASE_URL}/products/28")
    assert page.errors == []


def auth_listeners(cdp) -> int:
    """How many `storefront:auth-changed` listeners `window` has (the reviews MFE keeps one)."""
    window = cdp.send("Runtime.evaluate", {"expression": "window"})["result"]["objectId"]
    listeners = cdp.send("DOMDebugger.getEventListeners", {"objectId": window})["listeners"]
    return sum(1 for listener in listeners if listener["type"] == "storefront:auth-changed")


def test_leaving_the_product_page_unmounts_the_reviews(page: Page):
    console_errors = []
    page.on(
        "console",
        lambda m: console_errors.append(m.text)
        if m.type == "error" and not m.text.startswith("Failed to load resource")
        else None,
    )
    open_page(page, "/products/29")
    expect_reviews_of(page, 29)
    auth_changed = "dispatchEvent(new CustomEvent('storefront:auth-changed', {detail: {user: null}}))"
    with page.expect_request(re.compile(r"/api/reviews/products/29/reviews")):
        page.evaluate(auth_changed)  # mounted, it reads again
    cdp = page.context.new_cdp_session(page)
    listening_while_mounted = auth_listeners(cdp)
    page.locator("[data-testid=product-detail] .catalog-breadcrumb a", has_text="All products").click()
    expect(page).to_have_url(f"{BASE_URL}/")
    expect(page.locator(SECONDARY)).to_have_attribute("data-state", "idle")
    expect(page.locator("[data-testid=reviews]")).to_have_count(0)
    # Nothing of the MFE is left: no host element, no text (the shell's own empty marker aside).
    assert page.locator("#slot-secondary-hosts").evaluate("el => [el.children.length, el.textContent]") == [0, ""]
    # No listener of the reviews MFE is left on window.
    assert auth_listeners(cdp) < listening_while_mounted
    # And back again: mounted afresh, with exactly as many listeners as the first time.
    page.go_back()
    expect_reviews_of(page, 29)
    expect(page.locator("[data-testid=reviews]")).to_have_count(1)
    assert auth_listeners(cdp) == listening_while_mounted
    # A page of another MFE unmounts both the catalog's product and the reviews.
    page.evaluate("dispatchEvent(new CustomEvent('storefront:navigate', {detail: {to: '/cart'}}))")
    expect(page.locator("#slot-main")).to_have_attribute("data-mfe", "cart")
    expect(page.locator("[data-testid=catalog]")).to_have_count(0)
    expect(page.locator(SECONDARY)).to_have_attribute("data-state", "idle")
    expect(page.locator("[data-testid=reviews]")).to_have_count(0)
    assert page.errors == []
    assert console_errors == []


def test_screenshot_a_product_with_reviews(page: Page):
    """For the README: the catalog's product detail with its rating, the reviews MFE below."""
    from conftest import ARTIFACTS

    review_by_someone(3, 5, "Our morning favourite", name="Ana Lima")
    review_by_someone(3, 4, "Solid, a little heavy", name="Bruno Costa")
    wait_for_catalog_rating(3, 2)
    page.set_viewport_size({"width": 1280, "height": 1500})
    open_page(page, "/products/3")
    expect(page.locator("[data-testid=product-detail] [data-testid=rating]")).to_have_attribute("data-count", "2")
    expect(page.locator("[data-testid=review]")).to_have_count(2)
    page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    screens = ARTIFACTS / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screens / "reviews.png"), full_page=True)
