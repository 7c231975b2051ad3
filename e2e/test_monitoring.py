"""The dashboard reads what the running store serves: every metric a panel of
deploy/grafana/mercado.json queries is on some process's /metrics."""

import json
import os
import pathlib
import re
import urllib.request

from conftest import BASE_URL

DASHBOARD = pathlib.Path(__file__).parent.parent / "deploy" / "grafana" / "mercado.json"
# name=url pairs of every process of the stack under test (set by `cargo xtask e2e`).
SERVICE_URLS = dict(
    pair.split("=", 1) for pair in os.environ.get("SERVICE_URLS", "").split(",") if "=" in pair
)
# A metric name right before its label matcher or range: `name{…}` or `name[5m]`.
QUERIED_METRIC = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{\[]")


def queried_metrics() -> set[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    assert exprs, "the dashboard queries nothing"
    return {name for expr in exprs for name in QUERIED_METRIC.findall(expr)}


def served_metrics(url: str) -> set[str]:
    with urllib.request.urlopen(f"{url}/metrics", timeout=10) as response:
        text = response.read().decode()
    return {
        re.split(r"[{ ]", line, maxsplit=1)[0]
        for line in text.splitlines()
        if line and not line.startswith("#")
    }


def test_every_metric_the_dashboard_queries_is_served():
    assert {"gateway", "catalog", "orders"} <= SERVICE_URLS.keys(), SERVICE_URLS
    # A shopper's read through the gateway, so its per-upstream series have a sample.
    with urllib.request.urlopen(f"{BASE_URL}/api/catalog/products", timeout=10) as response:
        assert response.status == 200
    served = set().union(*(served_metrics(url) for url in SERVICE_URLS.values()))
    missing = sorted(queried_metrics() - served)
    assert not missing, f"the dashboard queries metrics nothing serves: {missing}"
