output "repository_url" {
  description = "Repository URL to push to and reference in task definitions."
  value       = aws_ecr_repository.this.repository_url
}

output "repository_arn" {
  description = "ARN of the repository, for the execution role's pull permission."
  value       = aws_ecr_repository.this.arn
}
