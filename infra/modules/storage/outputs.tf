output "media_bucket_name" {
  description = "Name of the private media bucket (AWS_STORAGE_BUCKET_NAME)."
  value       = aws_s3_bucket.media.id
}

output "media_bucket_arn" {
  description = "ARN of the media bucket, for the task role's policy."
  value       = aws_s3_bucket.media.arn
}

output "media_kms_key_arn" {
  description = "KMS key encrypting the media bucket; the task role needs encrypt/decrypt on it."
  value       = aws_kms_key.media.arn
}

output "media_cdn_domain" {
  description = "CloudFront domain serving media (AWS_S3_CUSTOM_DOMAIN)."
  value       = aws_cloudfront_distribution.media.domain_name
}

output "logs_bucket_name" {
  description = "Name of the bucket receiving ALB and S3 access logs."
  value       = aws_s3_bucket.logs.id
}
