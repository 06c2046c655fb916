locals {
  port = 6379
}

# ElastiCache auth tokens must be 16-128 printable characters without @, " or /;
# alphanumerics also keep the token URL-safe inside REDIS_URL.
resource "random_password" "auth_token" {
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

resource "aws_elasticache_replication_group" "this" {
  #checkov:skip=CKV2_AWS_50:Failover follows num_cache_clusters: on in staging and prod (2 nodes); dev runs one node to save cost.
  replication_group_id = var.name
  description          = "Agora cache (db 0) and Celery broker (db 1)"
  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = var.node_type
  port                 = local.port
  parameter_group_name = "default.redis7"

  num_cache_clusters         = var.num_cache_clusters
  automatic_failover_enabled = var.num_cache_clusters > 1
  multi_az_enabled           = var.num_cache_clusters > 1

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [aws_security_group.redis.id]

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  auth_token                 = random_password.auth_token.result

  snapshot_retention_limit   = var.snapshot_retention_days
  snapshot_window            = "02:00-03:00"
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

resource "aws_secretsmanager_secret" "redis_url" {
  #checkov:skip=CKV2_AWS_57:Rotating the auth token needs a coordinated ElastiCache ROTATE + task restart; done by a runbook, not a Lambda.
  name        = "${var.secret_prefix}/REDIS_URL"
  description = "REDIS_URL (cache, db 0) for Agora (${var.name}), TLS + auth token"
  kms_key_id  = var.kms_key_arn
  tags        = var.tags
}

resource "aws_secretsmanager_secret_version" "redis_url" {
  secret_id     = aws_secretsmanager_secret.redis_url.id
  secret_string = "rediss://:${random_password.auth_token.result}@${aws_elasticache_replication_group.this.primary_endpoint_address}:${local.port}/0"
}

resource "aws_secretsmanager_secret" "broker_url" {
  #checkov:skip=CKV2_AWS_57:Same auth token as REDIS_URL; rotated together by the runbook.
  name        = "${var.secret_prefix}/CELERY_BROKER_URL"
  description = "CELERY_BROKER_URL (db 1) for Agora (${var.name}), TLS + auth token"
  kms_key_id  = var.kms_key_arn
  tags        = var.tags
}

resource "aws_secretsmanager_secret_version" "broker_url" {
  secret_id = aws_secretsmanager_secret.broker_url.id
  # kombu requires ssl_cert_reqs on rediss:// URLs; verify the server's certificate.
  secret_string = "rediss://:${random_password.auth_token.result}@${aws_elasticache_replication_group.this.primary_endpoint_address}:${local.port}/1?ssl_cert_reqs=required"
}
