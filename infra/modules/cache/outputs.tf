output "primary_endpoint" {
  description = "Primary endpoint of the replication group."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "redis_url_secret_arn" {
  description = "ARN of the REDIS_URL secret (cache)."
  value       = aws_secretsmanager_secret.redis_url.arn
}

output "broker_url_secret_arn" {
  description = "ARN of the CELERY_BROKER_URL secret."
  value       = aws_secretsmanager_secret.broker_url.arn
}

output "replication_group_id" {
  description = "ID of the replication group, for alarms."
  value       = aws_elasticache_replication_group.this.id
}
