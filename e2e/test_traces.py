"""One shopper action is one trace: placing an order yields spans from the gateway, orders,
inventory and payments, each the child of the step before it, exported over OTLP.

`cargo xtask e2e` points every process at OTLP_ENDPOINT (OTLP/HTTP with JSON bodies, quick
batches); this module listens there, as a collector would, while it runs.
"""

import json
import os
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import BASE_URL
from pages import PASSWORD

OTLP_ENDPOINT = os.environ.get("OTLP_ENDPOINT", "")
pytestmark = pytest.mark.skipif(not OTLP_ENDPOINT, reason="needs the stack's OTLP endpoint")

ADDRESS = {"name": "Tracy Trace", "line1": "Rua Augusta 1", "line2": "", "postalCode": "1100-048",
           "city": "Lisboa", "country": "PT"}
# In stock in the seeded catalog and used by no other test.
PRODUCT = 39


class Collector:
    """Every span received, as (service name, span) pairs."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.spans: list[tuple[str, dict]] = []

    def add(self, body: dict) -> None:
        with self.lock:
            for resource_spans in body.get("resourceSpans", []):
                attributes = resource_spans.get("resource", {}).get("attributes", [])
                service = next((a["value"].get("stringValue") for a in attributes
                                if a["key"] == "service.name"), "?")
                for scope in resource_spans.get("scopeSpans", []):
                    self.spans.extend((service, span) for span in scope.get("spans", []))

    def trace(self, trace_id: str) -> list[tuple[str, dict]]:
        with self.lock:
            return [(s, span) for s, span in self.spans if span["traceId"] == trace_id]


@pytest.fixture(scope="module")
def collector():
    received = Collector()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the standard library's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path == "/v1/traces":
                received.add(json.loads(body))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *_):
            pass

    port = urllib.parse.urlsplit(OTLP_ENDPOINT).port
    server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield received
    server.shutdown()


def call(method: str, path: str, token: str | None = None, body: dict | None = None,
         headers: dict | None = None) -> dict:
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{BASE_URL}{path}", data=data, headers=all_headers, method=method)
    with urllib.request.urlopen(request, timeout=15) as response:
        return json.loads(response.read() or b"null")


def wait_for(what: str, check, timeout_s: float = 30.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_placing_an_order_is_one_trace_across_the_saga(collector):
    grant = call("POST", "/api/identity/users", body={
        "name": "Tracy Trace", "email": f"trace-{uuid.uuid4().hex[:10]}@example.com", "password": PASSWORD})
    token = grant["accessToken"]
    cart = call("POST", "/api/cart/items", token, {"productId": PRODUCT, "quantity": 1})
    trace_id, browser_span = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    order = call("POST", "/api/orders", token,
                 {"shippingAddress": ADDRESS, "expectedTotalCents": cart["total"]["cents"]},
                 headers={"Idempotency-Key": str(uuid.uuid4()), "traceparent": f"00-{trace_id}-{browser_span}-01"})
    wait_for("the order to await payment",
             lambda: call("GET", f"/api/orders/{order['id']}", token).get("checkoutUrl"))

    def parents_by_service():
        """Each service's spans as the services of their parents, once all four have spans
        and every parent has arrived (batches come from each process on its own)."""
        spans = collector.trace(trace_id)
        by_id = {span["spanId"]: service for service, span in spans}
        by_id[browser_span] = "browser"
        steps: dict[str, list[str]] = {}
        for service, span in spans:
            steps.setdefault(service, []).append(by_id.get(span.get("parentSpanId", ""), "?"))
        complete = {"gateway", "orders", "inventory", "payments"} <= steps.keys()
        resolved = all(parent != "?" for parents in steps.values() for parent in parents)
        return steps if complete and resolved else None

    try:
        steps = wait_for("the trace's spans from gateway, orders, inventory and payments", parents_by_service)
    except AssertionError as err:
        seen = [(service, span["name"], span.get("parentSpanId")) for service, span in collector.trace(trace_id)]
        raise AssertionError(f"{err}; the trace so far: {seen}") from None
    assert steps["gateway"] == ["browser"], steps
    assert "gateway" in steps["orders"], steps
    assert "orders" in steps["inventory"], steps
    assert "inventory" in steps["payments"], steps
