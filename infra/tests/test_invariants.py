"""Invariants of the Terraform code, read from the .tf files with python-hcl2.

These guard the properties production depends on (exactly one beat, circuit
breakers, health checks, secrets handling...) without provider downloads, so
they run anywhere `scripts/lint-infra.sh` runs.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import hcl2
import pytest

INFRA = Path(__file__).resolve().parent.parent
MODULES = INFRA / "modules"
ENVS = ("dev", "staging", "prod")

SECRET_NAME = re.compile(r"SECRET|PASSWORD|KEY|TOKEN")
# Public by design: Stripe publishable keys are embedded in the storefront page.
PUBLIC_KEY_NAMES = {"STRIPE_PUBLISHABLE_KEY"}


def _clean(value):
    """Drop python-hcl2's markers and the quotes it keeps around strings."""
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items() if not (isinstance(k, str) and k.startswith("__"))}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


@cache
def load(path: Path) -> dict:
    with path.open() as f:
        return _clean(hcl2.load(f))


def blocks(path: Path, kind: str) -> list[dict]:
    return load(path).get(kind, [])


def resources(path: Path, rtype: str) -> dict[str, dict]:
    """All resources of one type in a file, by name."""
    found = {}
    for block in blocks(path, "resource"):
        for name, body in block.get(rtype, {}).items():
            found[name] = body
    return found


def all_resources(rtype: str) -> list[tuple[Path, str, dict]]:
    out = []
    for tf in sorted(INFRA.rglob("*.tf")):
        for name, body in resources(tf, rtype).items():
            out.append((tf, name, body))
    return out


def module_variables(module: str) -> dict[str, dict]:
    out = {}
    for block in blocks(MODULES / module / "variables.tf", "variable"):
        out.update(block)
    return out


def resolve(value, module: str):
    """Resolve a plain `${var.x}` reference to the variable's default in the module."""
    if isinstance(value, str):
        m = re.fullmatch(r"\$\{var\.(\w+)\}", value)
        if m:
            variable = module_variables(module)[m.group(1)]
            assert "default" in variable, f"var.{m.group(1)} has no default to check"
            return variable["default"]
    return value


def env_module(env: str, module: str) -> dict:
    for block in blocks(INFRA / "envs" / env / "main.tf", "module"):
        if module in block:
            return block[module]
    raise AssertionError(f"envs/{env} does not call module {module}")


def tfvars(env: str) -> dict:
    return load(INFRA / "envs" / env / "terraform.tfvars")


ECS = MODULES / "ecs" / "main.tf"


# ------------------------------------------------------------------ services
@pytest.mark.parametrize(("service", "expected"), [("web", 3), ("worker", 2), ("beat", 1)])
def test_service_desired_counts(service, expected):
    body = resources(ECS, "aws_ecs_service")[service]
    assert resolve(body["desired_count"], "ecs") == expected
    # No environment root may override the count away from the invariant.
    for env in ENVS:
        override = env_module(env, "ecs").get(f"{service}_desired_count")
        assert override in (None, expected), f"{env} overrides {service}_desired_count to {override}"


def test_beat_never_runs_twice():
    beat = resources(ECS, "aws_ecs_service")["beat"]
    assert beat["desired_count"] == 1, "beat's count must be a literal 1, not a variable"
    assert beat["deployment_maximum_percent"] == 100
    assert beat["deployment_minimum_healthy_percent"] == 0


def test_beat_is_not_autoscaled():
    for tf, name, body in all_resources("aws_appautoscaling_target"):
        assert "beat" not in name, f"{tf}: autoscaling target {name}"
        assert "aws_ecs_service.beat" not in str(body["resource_id"]), f"{tf}: {name} scales beat"


def test_web_and_worker_are_autoscaled():
    targets = {str(body["resource_id"]) for _, _, body in all_resources("aws_appautoscaling_target")}
    assert any("aws_ecs_service.web" in t for t in targets)
    assert any("aws_ecs_service.worker" in t for t in targets)
    policies = resources(ECS, "aws_appautoscaling_policy")
    text = str(policies)
    assert "ECSServiceAverageCPUUtilization" in text
    assert "ALBRequestCountPerTarget" in text
    assert "QueueDepth" in str(policies["worker_queue_depth"])


def test_every_service_has_a_rolling_back_circuit_breaker():
    services = all_resources("aws_ecs_service")
    assert len(services) == 3
    for tf, name, body in services:
        (breaker,) = body["deployment_circuit_breaker"]
        assert breaker["enable"] is True, f"{tf}: {name}"
        assert breaker["rollback"] is True, f"{tf}: {name}"


def ecs_locals() -> dict:
    out = {}
    for block in blocks(ECS, "locals"):
        out.update(block)
    return out


def test_four_task_definitions_from_one_image():
    (td,) = resources(ECS, "aws_ecs_task_definition").values()
    services = ecs_locals()["services"]
    assert set(services) == {"web", "worker", "beat", "management"}
    assert td["container_definitions"] == "${jsonencode(local.task_containers[each.key])}"
    assert "image = var.image" in ecs_locals()["app_containers"]
    # The tracing sidecar's collector image is AWS's, not ours; every app container runs var.image.
    image_vars = [k for k in module_variables("ecs") if "image" in k and k != "otel_collector_image"]
    assert image_vars == ["image"], "one image variable, shared by every task definition"


# ------------------------------------------------------------------------ ALB
ALB = MODULES / "alb" / "main.tf"


def test_target_group_health_check_and_deregistration_delay():
    (tg,) = resources(ALB, "aws_lb_target_group").values()
    (health,) = tg["health_check"]
    assert health["path"] == "/health/"
    assert tg["deregistration_delay"] == 30


def test_listeners_are_https_and_http_only_redirects():
    listeners = resources(ALB, "aws_lb_listener")
    assert listeners, "no listeners found"
    for name, body in listeners.items():
        if body["protocol"] == "HTTPS":
            assert body["port"] == 443
            assert body["ssl_policy"], f"{name} has no TLS policy"
            assert body["certificate_arn"], f"{name} has no certificate"
        else:
            assert body["protocol"] == "HTTP", f"{name}: unexpected protocol {body['protocol']}"
            (action,) = body["default_action"]
            assert action["type"] == "redirect", f"HTTP listener {name} must only redirect"
            (redirect,) = action["redirect"]
            assert redirect["protocol"] == "HTTPS"
            assert redirect["status_code"] == "HTTP_301"
    assert any(b["protocol"] == "HTTPS" for b in listeners.values())


def test_alb_drops_invalid_headers_and_logs_access():
    (lb,) = resources(ALB, "aws_lb").values()
    assert lb["drop_invalid_header_fields"] is True
    (logs,) = lb["access_logs"]
    assert logs["enabled"] is True


# ----------------------------------------------------------------------- logs
def test_every_log_group_has_retention():
    groups = all_resources("aws_cloudwatch_log_group")
    assert len(groups) >= 5
    for tf, name, body in groups:
        assert body.get("retention_in_days") not in (None, 0), f"{tf}: log group {name} keeps logs forever"


# ------------------------------------------------------------------- database
DB = MODULES / "database" / "main.tf"


def test_database_is_private_encrypted_and_backed_up():
    (db,) = resources(DB, "aws_db_instance").values()
    assert db["publicly_accessible"] is False
    assert db["storage_encrypted"] is True
    assert db["performance_insights_enabled"] is True
    assert db["engine"] == "postgres"
    assert str(resolve(db["engine_version"], "database")).startswith("15")
    assert resolve(db["backup_retention_period"], "database") >= 7


def test_database_forces_ssl_and_logs_slow_queries():
    (pg,) = resources(DB, "aws_db_parameter_group").values()
    params = {p["name"]: p["value"] for p in pg["parameter"]}
    assert params["rds.force_ssl"] == "1"
    assert "log_min_duration_statement" in params


def test_prod_database_is_multi_az_protected_and_keeps_14_days():
    prod = tfvars("prod")
    assert prod["db_multi_az"] is True
    assert prod["db_deletion_protection"] is True
    assert prod["db_backup_retention_days"] >= 14
    for env in ENVS:
        assert tfvars(env)["db_backup_retention_days"] >= 7, env
        assert env_module(env, "database")["multi_az"] == "${var.db_multi_az}", env


# --------------------------------------------------------------------- secrets
def _env_var_names_in_containers() -> dict[str, str]:
    """Every plain environment variable name a container can get, with its origin."""
    names: dict[str, str] = {}
    locals_ = ecs_locals()
    definitions = locals_["app_containers"]
    # The containers' environment is built only from local.environment and the
    # per-service extra_env; secrets only from the secrets locals.
    assert "environment = concat(local.environment," in definitions
    assert "secrets = local.role_secrets[role]" in definitions
    assert "for name in sort(keys(local.plain_env))" in locals_["environment"]
    for name in re.findall(r"(\w+) = ", locals_["plain_env"]):
        names[name] = "modules/ecs locals.plain_env"
    for name in locals_["tracing_env"]:
        names[name] = "modules/ecs locals.tracing_env"
    for service, spec in locals_["services"].items():
        for name in spec["extra_env"]:
            names[name] = f"modules/ecs locals.services.{service}.extra_env"
    for env in ENVS:
        for name in env_module(env, "ecs").get("environment", {}):
            names[name] = f"envs/{env} module.ecs.environment"
    return names


def test_secrets_only_through_container_secrets():
    names = _env_var_names_in_containers()
    assert "DJANGO_ALLOWED_HOSTS" in names  # the parser really found the maps
    leaked = {n: where for n, where in names.items() if SECRET_NAME.search(n) and n not in PUBLIC_KEY_NAMES}
    assert not leaked, f"secret-looking variables passed as plain environment: {leaked}"


def test_secret_variables_are_wired_as_secrets():
    for env in ENVS:
        secret_arns = env_module(env, "ecs")["secret_arns"]
        for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
            assert f"{name} = module." in secret_arns, f"{env}: {name} is not a secret"
    app_secrets = {}
    for block in blocks(ECS, "locals"):
        app_secrets.update(block.get("app_secrets", {}))
    assert {"DJANGO_SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_CONNECT_WEBHOOK_SECRET"} <= set(
        app_secrets
    )


@pytest.mark.parametrize("env", ENVS)
def test_every_environment_takes_card_payments_through_stripe_only(env):
    """The dummy gateway pays any token: a deployment that offers it gives orders away."""
    environment = env_module(env, "ecs")["environment"]
    assert environment.get("PAYMENT_GATEWAY") == "stripe"
    assert [m.strip() for m in environment.get("PAYMENT_METHODS", "").split(",")] == ["stripe"]
    assert "PAYMENT_ALLOW_DUMMY_IN_PRODUCTION" not in environment
    assert environment.get("STRIPE_PUBLISHABLE_KEY") == "${var.stripe_publishable_key}"
    # vendor payouts too: the dummy payout provider pays nobody (the app refuses it in production)
    assert environment.get("PAYOUT_PROVIDER") == "stripe"


# ------------------------------------------------------------------ variables
@pytest.mark.parametrize("module", sorted(p.name for p in MODULES.iterdir() if p.is_dir()))
def test_every_module_variable_is_typed_and_described(module):
    variables = module_variables(module)
    for name, body in variables.items():
        assert body.get("type"), f"modules/{module}: variable {name} has no type"
        assert str(body.get("description", "")).strip(), f"modules/{module}: variable {name} has no description"


@pytest.mark.parametrize("env", ENVS)
def test_every_env_variable_is_typed_and_described(env):
    for block in blocks(INFRA / "envs" / env / "variables.tf", "variable"):
        for name, body in block.items():
            assert body.get("type"), f"envs/{env}: variable {name} has no type"
            assert str(body.get("description", "")).strip(), f"envs/{env}: variable {name} has no description"


@pytest.mark.parametrize("module", sorted(p.name for p in MODULES.iterdir() if p.is_dir()))
def test_module_layout(module):
    for part in ("main.tf", "variables.tf", "outputs.tf", "versions.tf"):
        assert (MODULES / module / part).is_file(), f"modules/{module}/{part} is missing"


# ------------------------------------------------------------------- backends
def _backend(env: str) -> dict:
    (terraform,) = blocks(INFRA / "envs" / env / "backend.tf", "terraform")
    (backend,) = terraform["backend"]
    return backend["s3"]


def test_each_env_has_its_own_state_key_and_locking():
    keys = {}
    for env in ENVS:
        backend = _backend(env)
        assert backend["encrypt"] is True, env
        assert backend.get("use_lockfile") is True or backend.get("dynamodb_table"), f"{env}: no state locking"
        assert env in backend["key"], f"{env}: state key {backend['key']} does not name the environment"
        keys[env] = backend["key"]
    assert len(set(keys.values())) == len(ENVS), f"environments share a state key: {keys}"


def test_env_tfvars_name_their_environment():
    for env in ENVS:
        assert tfvars(env)["environment"] == env


def test_web_tasks_trust_exactly_the_alb_for_client_addresses():
    """Throttles and the admin lockout key on the client behind the ALB (NUM_PROXIES), not on the ALB."""
    ecs = (MODULES / "ecs" / "main.tf").read_text()
    assert re.search(r"NUM_PROXIES\s*=\s*tostring\(var\.num_proxies\)", ecs)
    variables = {name: body for block in blocks(MODULES / "ecs" / "variables.tf", "variable") for name, body in block.items()}
    assert variables["num_proxies"]["default"] == 1


@pytest.mark.parametrize("env", ENVS)
def test_admin_allow_list_and_site_url_reach_the_tasks(env):
    main = (INFRA / "envs" / env / "main.tf").read_text()
    assert re.search(r'ADMIN_ALLOWED_NETWORKS\s*=\s*join\(",", var\.admin_allowed_cidrs\)', main)
    assert re.search(r"SITE_URL\s*=\s*local\.https_origins\[0\]", main)
    variables = {n: b for block in blocks(INFRA / "envs" / env / "variables.tf", "variable") for n, b in block.items()}
    assert variables["admin_allowed_cidrs"]["default"] == []


def test_the_cdn_never_serves_private_files():
    """Import files and personal-data exports live under private/ in the media bucket."""
    storage = (MODULES / "storage" / "main.tf").read_text()
    deny = re.search(r'sid\s*=\s*"CloudFrontNeverReadsPrivateFiles"(.*?)\n  }\n', storage, re.S)
    assert deny, "no explicit deny of private/ to CloudFront"
    body = deny.group(1)
    assert 'effect    = "Deny"' in body and "/private/*" in body and "cloudfront.amazonaws.com" in body
    assert re.search(r'prefix\s*=\s*"private/exports/"', storage), "exports are not expired by a lifecycle rule"
