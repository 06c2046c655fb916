variable "name" {
  type        = string
  description = "Name prefix for the VPC and its parts, e.g. agora-prod."
}

variable "cidr_block" {
  type        = string
  description = "IPv4 CIDR of the VPC; split into /20 subnets (public from block 0, private from block 8)."
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr_block, 0))
    error_message = "cidr_block must be a valid IPv4 CIDR."
  }
}

variable "availability_zones" {
  type        = list(string)
  description = "Availability zone names to spread subnets over (2 to 4, for the ALB and multi-AZ RDS)."

  validation {
    condition     = length(var.availability_zones) >= 2 && length(var.availability_zones) <= 4
    error_message = "Give between 2 and 4 availability zones."
  }
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway for all AZs (cheaper, for dev) instead of one per AZ (survives an AZ loss)."
  default     = false
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the VPC flow log group, in days."
  default     = 90
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key ARN encrypting the flow log group."
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
