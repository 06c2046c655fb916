locals {
  port = 6379
}

# ElastiCache auth tokens must be 16-128 printable characters without @, " or /;
# alphanumerics also keep the token URL-safe inside REDIS_URL.
resource "random_password" "auth_token" {
  length  = 64
  special = false
}

resource "random_password" "broker_auth_token" {
  length  = 64
  special = false
}

resource "aws_elasticache_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.private_subnet_ids
  tags       = var.tags
}

resource "aws_security_group" "redis" {
  name        = "${var.name}-redis"
  description = "Redis: only the Agora tasks may connect"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "from_tasks" {
  for_each = toset(var.client_security_group_ids)

  security_group_id            = aws_security_group.redis.id
  description                  = "Redis (TLS) from the application tasks"
  referenced_security_group_id = each.value
  from_port                    = local.port
  to_port                      = local.port
  ip_protocol                  = "tcp"
}

resource "aws_cloudwatch_log_group" "slow_log" {
  #checkov:skip=CKV_AWS_338:Retention is a per-environment variable (90 days in prod); a year of operational logs costs more than it helps, and audit trails live in CloudTrail.
  name              = "/aws/elasticache/${var.name}/slow-log"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

# Two replication groups, because a cache and a broker want opposite things when memory runs
# out: the cache may drop any key (allkeys-lru: it is rebuilt from the database on a miss); the
# broker must drop nothing (noeviction: a full broker refuses new messages, which the app
# survives and beat's reconcilers re-drive, instead of silently losing queued tasks). One node
# with the default volatile-lru policy would evict queued tasks whenever the cache filled it.
locals {
  maxmemory_policy = {
    cache  = "allkeys-lru"
    broker = "noeviction"
  }
}

resource "aws_cloudwatch_log_group" "broker_slow_log" {
  #checkov:skip=CKV_AWS_338:Retention is a per-environment variable (90 days in prod); a year of operational logs costs more than it helps, and audit trails live in CloudTrail.
  name              = "/aws/elasticache/${var.name}-broker/slow-log"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_elasticache_parameter_group" "this" {
  for_each = local.maxmemory_policy

  name        = "${var.name}-${each.key}-redis7"
  family      = "redis7"
  description = "Agora ${each.key}: maxmemory-policy ${each.value}"

  parameter {
    name  = "maxmemory-policy"
    value = each.value
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

# The cache keeps the original group (and its id), so moving to two groups replaces nothing.
moved {
  from = aws_elasticache_replication_group.this
  to   = aws_elasticache_replication_group.cache
}

resource "aws_elasticache_replication_group" "cache" {
  #checkov:skip=CKV2_AWS_50:Failover follows num_cache_clusters: on in staging and prod (2 nodes); dev runs one node to save cost.
  replication_group_id = var.name
  description          = "Agora cache (Django); may evict least recently used keys"
  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = var.node_type
  port                 = local.port
  parameter_group_name = aws_elasticache_parameter_group.this["cache"].name

  num_cache_clusters         = var.num_cache_clusters
  automatic_failover_enabled = var.num_cache_clusters > 1
  multi_az_enabled           = var.num_cache_clusters > 1

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [aws_security_group.redis.id]

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  auth_token                 = random_password.auth_token.result

  # A cache is rebuilt from the database; snapshots of it would only cost.
  snapshot_retention_limit   = 0
  maintenance_window         = "sun:05:30-sun:06:30"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.slow_log.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }

  tags = var.tags
}

resource "aws_elasticache_replication_group" "broker" {
  #checkov:skip=CKV2_AWS_50:Failover follows broker_num_cache_clusters: on in staging and prod (2 nodes); dev runs one node to save cost.
  replication_group_id = "${var.name}-broker"
  description          = "Agora Celery broker; never evicts (noeviction)"
  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = var.broker_node_type
  port                 = local.port
  parameter_group_name = aws_elasticache_parameter_group.this["broker"].name

  num_cache_clusters         = var.broker_num_cache_clusters
  automatic_failover_enabled = var.broker_num_cache_clusters > 1
  multi_az_enabled           = var.broker_num_cache_clusters > 1

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [aws_security_group.redis.id]

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  auth_token                 = random_password.broker_auth_token.result

  snapshot_retention_limit   = var.snapshot_retention_days
  snapshot_window            = "02:00-03:00"
  maintenance_window         = "sun:05:30-sun:06:30"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.broker_slow_log.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }

  tags = var.tags
}

resource "aws_secretsmanager_secret" "redis_url" {
  #checkov:skip=CKV2_AWS_57:Rotating the auth token needs a coordinated ElastiCache ROTATE + task restart; done by a runbook, not a Lambda.
  name        = "${var.secret_prefix}/REDIS_URL"
  description = "REDIS_URL (the cache replication group) for Agora (${var.name}), TLS + auth token"
  kms_key_id  = var.kms_key_arn
  tags        = var.tags
}

resource "aws_secretsmanager_secret_version" "redis_url" {
  secret_id     = aws_secretsmanager_secret.redis_url.id
  secret_string = "rediss://:${random_password.auth_token.result}@${aws_elasticache_replication_group.cache.primary_endpoint_address}:${local.port}/0"
}

resource "aws_secretsmanager_secret" "broker_url" {
  #checkov:skip=CKV2_AWS_57:Rotating the auth token needs a coordinated ElastiCache ROTATE + task restart; done by a runbook, not a Lambda.
  name        = "${var.secret_prefix}/CELERY_BROKER_URL"
  description = "CELERY_BROKER_URL (the broker replication group, noeviction) for Agora (${var.name}), TLS + auth token"
  kms_key_id  = var.kms_key_arn
  tags        = var.tags
}

resource "aws_secretsmanager_secret_version" "broker_url" {
  secret_id = aws_secretsmanager_secret.broker_url.id
  # kombu requires ssl_cert_reqs on rediss:// URLs; verify the server's certificate.
  secret_string = "rediss://:${random_password.broker_auth_token.result}@${aws_elasticache_replication_group.broker.primary_endpoint_address}:${local.port}/0?ssl_cert_reqs=required"
}
