output "secret_arns" {
  description = "ELASTICSEARCH_URL and ELASTICSEARCH_API_KEY secret ARNs, by environment variable name."
  value       = { for k, s in aws_secretsmanager_secret.this : k => s.arn }
}
