variable "name" {
  type        = string
  description = "Name of the ALB and prefix of its parts, e.g. agora-prod (32 characters at most)."

  validation {
    condition     = length(var.name) <= 28
    error_message = "name must be at most 28 characters (target group names add -web and are limited to 32)."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC the ALB and target group belong to."
}

variable "vpc_cidr_block" {
  type        = string
  description = "CIDR of the VPC; the ALB may only send traffic there."
}

variable "public_subnet_ids" {
  type        = list(string)
  description = "Public subnets (two or more AZs) for the ALB."

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "An ALB needs subnets in at least two availability zones."
  }
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate ARN for the HTTPS listener (issued and DNS-validated out of band)."
}

variable "ssl_policy" {
  type        = string
  description = "ELB TLS security policy of the HTTPS listener."
  default     = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
}

variable "target_port" {
  type        = number
  description = "Port gunicorn listens on in the web tasks."
  default     = 8000
}

variable "access_logs_bucket" {
  type        = string
  description = "S3 bucket receiving ALB access logs (under the alb/ prefix)."
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the ALB (on in staging and prod)."
  default     = true
}

variable "waf_rate_limit_per_5min" {
  type        = number
  description = "Requests one IP may send in 5 minutes before the WAF blocks it."
  default     = 2000
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the WAF log group, in days."
  default     = 90
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key ARN encrypting the WAF log group."
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
