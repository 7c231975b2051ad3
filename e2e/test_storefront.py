"""A shopper browsing the storefront: home, paging, categories, search, product detail, history."""

import re

from playwright.sync_api import Page, expect

from pages import card_ids, expect_category_nav, expect_same_document, mark_document, open_page, prices_cents, wait_grid


def test_home_shows_shell_and_catalog_grid(page: Page):
    open_page(page, "/")
    expect(page.locator("header.site-header a.logo")).to_have_text(re.compile("Mercado"))
    expect(page.locator("header input[name=q]")).to_be_visible()
    expect(page.locator("[data-testid=cart-count]")).to_have_text("0")
    expect(page.locator("a.sign-in")).to_be_visible()
    expect(page.locator("footer.site-footer")).to_be_visible()
    expect_category_nav(page)
    expect(page.locator("#slot-main")).to_have_attribute("data-mfe", "catalog")
    wait_grid(page)
    assert len(card_ids(page)) == 24
    expect(page.locator("[data-testid=page-status]")).to_have_text(re.compile(r"Page 1 of \d+"))
    first_image = page.locator(".product-card img").first
    expect(first_image).to_have_attribute("alt", re.compile(".+"))
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=first_image.element_handle())
    assert all(cents > 0 for cents in prices_cents(page))
    assert page.errors == []


def test_paging_back_forward_and_reload(page: Page):
    open_page(page, "/")
    wait_grid(page)
    first_page = card_ids(page)
    mark_document(page)
    page.locator("nav.pager a[rel=next]").click()
    expect(page).to_have_url(re.compile(r"/\?(.*&)?page=2"))
    expect(page.locator("[data-testid=page-status]")).to_have_text(re.compile(r"^Page 2 of"))
    second_page = card_ids(page)
    assert second_page and set(second_page).isdisjoint(first_page)
    page.go_back()
    expect(page.locator("[data-testid=page-status]")).to_have_text(re.compile(r"^Page 1 of"))
    assert card_ids(page) == first_page
    expect_same_document(page)
    page.go_forward()
    expect(page.locator("[data-testid=page-status]")).to_have_text(re.compile(r"^Page 2 of"))
    page.reload()
    wait_grid(page)
    expect(page.locator("[data-testid=page-status]")).to_have_text(re.compile(r"^Page 2 of"))
    assert card_ids(page) == second_page


def test_the_address_bar_follows_once_the_page_is_shown_and_keeps_every_step(page: Page):
    """The shell announces a navigation at once and writes its history entry when the catalog
    says the page is on screen (`storefront:page-shown`): history is written in order, one entry
    per navigation, even for two navigations in a row before either page showed."""
    open_page(page, "/")
    wait_grid(page)
    page.evaluate("""() => {
        window.__shown = [];
        addEventListener('storefront:page-shown', e => window.__shown.push(e.detail.href));
        for (const to of ['/?page=2', '/?page=3'])
            dispatchEvent(new CustomEvent('storefront:navigate', {detail: {to}}));
    }""")
    expect(page.locator("[data-testid=page-status]")).to_have_text(re.compile(r"^Page 3 of"))
    expect(page).to_have_url(re.compile(r"/\?page=3$"))
    assert page.evaluate("window.__shown") == ["/?page=3"]
    page.go_back()
    expect(page).to_have_url(re.compile(r"/\?page=2$"))
    expect(page.locator("[data-testid=page-status]")).to_have_text(re.compile(r"^Page 2 of"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("[data-testid=page-status]")).to_have_text(re.compile(r"^Page 1 of"))
    assert page.errors == []


def test_next_page_keeps_the_old_grid_until_the_new_one_arrives(page: Page):
    """While the next page loads, the shopper keeps seeing (the same) old cards, marked busy;
    they are replaced once, by the new page. Rebuilding the old grid on the URL change alone
    used to cost a whole render before the request for the next page even went out."""
    open_page(page, "/")
    wait_grid(page)
    page.evaluate("""() => {
        window.__removedCards = 0;
        new MutationObserver(records => {
            for (const r of records) for (const n of r.removedNodes)
                if (n.nodeType === 1) window.__removedCards += n.matches('.product-card') ? 1 : n.querySelectorAll('.product-card').length;
        }).observe(document.body, {childList: true, subtree: true});
    }""")
    page.locator("nav.pager a[rel=next]").click()
    expect(page.locator("[data-testid=page-status]")).to_have_text(re.compile(r"^Page 2 of"))
    assert len(card_ids(page)) == 24
    assert page.evaluate("window.__removedCards") == 24
    expect(page.locator(".catalog-list")).to_have_attribute("aria-busy", "false")
    assert page.errors == []


def test_a_slow_next_page_marks_the_old_grid_busy_until_it_arrives(page: Page):
    """A quick answer changes nothing on screen before it arrives (marking the grid busy at
    once cost a full repaint on every switch); a slow one dims the old cards, which stay, and
    the mark goes once the new page is shown."""
    open_page(page, "/")
    wait_grid(page)
    first_page = card_ids(page)
    held = []
    page.route(re.compile(r"/api/catalog/products\?.*page=2"), lambda route: held.append(route))
    page.evaluate("""() => {
        const list = document.querySelector('.catalog-list');
        window.__busyAfter = null;
        new MutationObserver(() => {
            if (list.getAttribute('aria-busy') === 'true' && window.__busyAfter === null)
                window.__busyAfter = performance.now() - window.__clickedAt;
        }).observe(list, {attributes: true});
        window.__clickedAt = performance.now();
        document.querySelector('nav.pager a[rel=next]').click();
    }""")
    expect(page.locator(".catalog-list")).to_have_attribute("aria-busy", "true")
    assert page.evaluate("window.__busyAfter") >= 100  # not at once: timers never fire early
    assert card_ids(page) == first_page
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("[data-testid=page-status]")).to_have_text(re.compile(r"^Page 2 of"))
    expect(page.locator(".catalog-list")).to_have_attribute("aria-busy", "false")
    assert card_ids(page) != first_page
    assert page.errors == []


def test_category_page_from_the_nav(page: Page):
    open_page(page, "/")
    link = page.locator("nav.category-nav a").nth(1)
    name, href = link.inner_text().strip(), link.get_attribute("href")
    mark_document(page)
    link.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    expect(page.locator("[data-testid=catalog] h1")).to_have_text(name)
    wait_grid(page)
    expect(link).to_have_attribute("aria-current", "page")
    expect_same_document(page)
    slug = href.rsplit("/", 1)[-1]
    categories = page.request.get(f"/api/catalog/products?category={slug}&limit=100").json()
    assert set(card_ids(page)) <= {str(p["id"]) for p in categories["items"]}
    page.reload()
    expect(page.locator("[data-testid=catalog] h1")).to_have_text(name)


def test_search_from_the_header(page: Page):
    open_page(page, "/")
    wait_grid(page)
    name = page.locator(".product-card .product-name").first.inner_text()
    word = name.split()[-1]
    mark_document(page)
    page.locator("header input[name=q]").fill(word[:4])
    page.locator("header input[name=q]").press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=" + re.escape(word[:4])))
    wait_grid(page)
    names = page.locator(".product-card .product-name").all_inner_texts()
    assert any(word.lower() in n.lower() for n in names)
    expect(page.locator("header input[name=q]")).to_have_value(word[:4])
    expect_same_document(page)


def test_search_without_results_says_so(page: Page):
    open_page(page, "/search?q=zzzqqqxxx")
    expect(page.locator("[data-testid=empty]")).to_be_visible()
    assert page.locator(".product-card").count() == 0


def test_sort_by_price(page: Page):
    open_page(page, "/")
    wait_grid(page)
    page.locator("[data-testid=sort]").select_option("price_asc")
    expect(page).to_have_url(re.compile(r"sort=price_asc"))
    page.wait_for_function(
        """() => { const p = [...document.querySelectorAll('[data-testid=product-grid] [data-testid=price]')]
                   .map(e => parseFloat(e.textContent.replace('€', '')));
                   return p.length > 1 && p.every((v, i) => i === 0 || p[i - 1] <= v); }"""
    )
    cents = prices_cents(page)
    assert cents == sorted(cents)


def test_product_detail_and_back(page: Page):
    open_page(page, "/")
    wait_grid(page)
    card = page.locator(".product-card").nth(3)
    name = card.locator(".product-name").inner_text()
    price = card.locator("[data-testid=price]").inner_text()
    product_id = card.get_attribute("data-product-id")
    mark_document(page)
    card.locator("a").first.click()
    expect(page).to_have_url(re.compile(rf"/products/{product_id}$"))
    detail = page.locator("[data-testid=product-detail]")
    expect(detail.locator("h1")).to_have_text(name)
    expect(detail.locator("[data-testid=price]")).to_have_text(price)
    expect_same_document(page)
    page.reload()
    expect(page.locator("[data-testid=product-detail] h1")).to_have_text(name)
    page.go_back()
    wait_grid(page)
    expect(page).to_have_url(re.compile(r"/$"))


def test_unknown_product_and_unknown_page(page: Page):
    open_page(page, "/products/999999")
    expect(page.locator("[data-testid=catalog] h1")).to_have_text("Product not found")
    open_page(page, "/no/such/page")
    expect(page.locator("[data-testid=not-found]")).to_be_visible()
    expect(page.locator("header.site-header")).to_be_visible()


def test_closing_a_toast_leaves_the_others_untouched(page: Page):
    # Toasts sit in a polite live region: a toast redrawn when another one closes would be read
    # out again. Closing the first must leave the second's element as it was.
    open_page(page, "/")
    for text in ("First message", "Second message"):
        page.evaluate(
            "text => dispatchEvent(new CustomEvent('storefront:toast', {detail: {level: 'info', text}}))",
            text,
        )
    toasts = page.locator("[data-testid=toast]")
    expect(toasts).to_have_count(2)
    toasts.nth(1).evaluate("el => { el.dataset.seen = 'yes' }")
    toasts.first.get_by_role("button", name="Close").click()
    expect(toasts).to_have_count(1)
    expect(toasts.first).to_have_text(re.compile("Second message"))
    expect(toasts.first).to_have_attribute("data-seen", "yes")
    # Both gone (the second times out): the next toast starts a fresh stack.
    expect(toasts).to_have_count(0, timeout=10_000)
    page.evaluate(
        "() => dispatchEvent(new CustomEvent('storefront:toast', {detail: {level: 'error', text: 'Third'}}))"
    )
    expect(page.locator(".toast-error")).to_have_text(re.compile("Third"))
