"""The production files fit together: every variable documented, every class importable,
at least two Rasa instances and two action servers behind the load balancer."""

from __future__ import annotations

import importlib
import re

import yaml

from bot.testing.stack import ROOT

DEPLOY = ROOT / "deploy"


def _vars(text: str) -> set[str]:
    return set(re.findall(r"\$\{([A-Z0-9_]+)\}", text))


def test_prod_endpoints_use_postgres_tracker_store_and_atomic_redis_lock_store() -> None:
    endpoints = yaml.safe_load((ROOT / "endpoints.prod.yml").read_text())
    for section in ("tracker_store", "lock_store"):
        module, _, name = endpoints[section]["type"].rpartition(".")
        assert getattr(importlib.import_module(module), name)
    assert endpoints["lock_store"]["type"].endswith("AtomicRedisLockStore")
    default = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    assert default["tracker_store"]["type"] == endpoints["tracker_store"]["type"], "same redaction in production"
    assert "lock_store" not in default, "make run keeps the in-memory lock store"


def test_every_variable_is_documented_in_the_env_example() -> None:
    documented = set(re.findall(r"^([A-Z0-9_]+)=", (DEPLOY / ".env.example").read_text(), re.MULTILINE))
    compose = (DEPLOY / "docker-compose.yml").read_text()
    set_by_compose = set(re.findall(r"^\s+([A-Z0-9_]+):", compose, re.MULTILINE))
    endpoints_vars = _vars((ROOT / "endpoints.prod.yml").read_text())
    missing = (_vars(compose) | (endpoints_vars - set_by_compose)) - documented
    assert not missing, f"not in deploy/.env.example: {sorted(missing)}"


def test_two_rasa_instances_and_two_action_servers_behind_nginx() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    rasa = [s for s in services if s.startswith("rasa")]
    actions = [s for s in services if s.startswith("actions")]
    assert len(rasa) >= 2 and len(actions) >= 2
    nginx = (DEPLOY / "nginx.conf").read_text()
    for service in rasa + actions:
        assert f"server {service}:" in nginx, f"{service} is not behind the load balancer"
    assert "endpoints.prod.yml" in services["rasa1"]["command"]
    assert services["rasa1"]["environment"]["ACTION_ENDPOINT_URL"].startswith("http://proxy:")


def test_production_docs_name_the_helm_chart_and_the_compose_file() -> None:
    doc = (ROOT / "docs" / "production.md").read_text()
    assert "helm.rasa.com" in doc and "rasa-action-server" in doc
    assert "deploy/docker-compose.yml" in doc and "Measured figures" in doc
