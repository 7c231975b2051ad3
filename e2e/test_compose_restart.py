"""After `down` and `up` (without `-v`), the compose stack still knows its shoppers.

Runs only in the compose stage of `cargo xtask test`, after e2e/test_compose.py, once the
stage has taken the stack down (keeping its volumes) and brought it up again; it sets
COMPOSE_RESTARTED. The shopper that test left behind (E2E_ARTIFACTS/compose-shopper.json) signs
in with the same password, finds every order it placed, still paid, and its cart as it was.
"""

import json
import os

import pytest

from test_compose import COMPOSE_URL, SHOPPER_FILE, Client

pytestmark = pytest.mark.skipif(
    not (COMPOSE_URL and os.environ.get("COMPOSE_RESTARTED")),
    reason="needs the compose stack after a down and up (COMPOSE_RESTARTED)",
)


def test_accounts_orders_and_carts_survive_down_and_up():
    shopper = json.loads(SHOPPER_FILE.read_text())
    client = Client()
    status, grant = client.call("POST", "/api/identity/sessions",
                                body={"email": shopper["email"], "password": shopper["password"]})
    assert status == 200, (status, grant)
    token = grant["accessToken"]

    _, orders = client.call("GET", "/api/orders", token)
    assert sorted(order["id"] for order in orders) == shopper["orders"]
    assert all(order["status"] in ("PAID", "SHIPPED") for order in orders), orders

    _, cart = client.call("GET", "/api/cart", token)
    assert {str(line["productId"]): line["quantity"] for line in cart["lines"]} == shopper["cart"]
    assert client.failed == [], client.failed
