output "primary_endpoint" {
  description = "Primary endpoint of the cache replication group."
  value       = aws_elasticache_replication_group.cache.primary_endpoint_address
}

output "broker_primary_endpoint" {
  description = "Primary endpoint of the broker replication group."
  value       = aws_elasticache_replication_group.broker.primary_endpoint_address
}

output "redis_url_secret_arn" {
  description = "ARN of the REDIS_URL secret (cache)."
  value       = aws_secretsmanager_secret.redis_url.arn
}

output "broker_url_secret_arn" {
  description = "ARN of the CELERY_BROKER_URL secret (broker)."
  value       = aws_secretsmanager_secret.broker_url.arn
}

output "replication_group_id" {
  description = "ID of the cache replication group, for alarms."
  value       = aws_elasticache_replication_group.cache.id
}

output "broker_replication_group_id" {
  description = "ID of the broker replication group, for alarms."
  value       = aws_elasticache_replication_group.broker.id
}

output "broker_cache_cluster_ids" {
  description = "Node ids of the broker (<group>-001, -002, ...), known before apply, for per-node memory alarms."
  value       = [for i in range(1, var.broker_num_cache_clusters + 1) : format("%s-broker-%03d", var.name, i)]
}
