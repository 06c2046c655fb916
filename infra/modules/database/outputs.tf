output "address" {
  description = "Host name of the database."
  value       = aws_db_instance.this.address
}

output "instance_identifier" {
  description = "RDS instance identifier (DBInstanceIdentifier dimension of its metrics)."
  value       = aws_db_instance.this.identifier
}

output "database_url_secret_arn" {
  description = "ARN of the application's DATABASE_URL secret (least-privilege role)."
  value       = aws_secretsmanager_secret.database_url.arn
}

output "owner_database_url_secret_arn" {
  description = "ARN of the owner's database URL secret (migrations; management task only)."
  value       = aws_secretsmanager_secret.owner_database_url.arn
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.db.id
}
