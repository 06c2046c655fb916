variable "name" {
  type        = string
  description = "Name prefix, e.g. agora-prod; bucket names also get the account ID to be globally unique."
}

variable "force_destroy" {
  type        = bool
  description = "Allow terraform destroy to delete non-empty buckets (dev only)."
  default     = false
}

variable "log_retention_days" {
  type        = number
  description = "Days ALB and S3 access logs are kept."
  default     = 90
}

variable "media_noncurrent_version_days" {
  type        = number
  description = "Days an overwritten or deleted media object version stays recoverable."
  default     = 30
}

variable "private_export_retention_days" {
  type        = number
  description = "Days a personal-data export (private/exports/) is kept before S3 deletes it."
  default     = 7
}

variable "cloudfront_price_class" {
  type        = string
  description = "CloudFront price class for the media distribution."
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.cloudfront_price_class)
    error_message = "cloudfront_price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
