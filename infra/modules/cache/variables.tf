variable "name" {
  type        = string
  description = "Replication group ID and prefix of its parts, e.g. agora-prod (40 characters at most)."
}

variable "secret_prefix" {
  type        = string
  description = "Secrets Manager name prefix of the environment, e.g. agora/prod."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the cache."
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets for the cache subnet group."
}

variable "client_security_group_ids" {
  type        = list(string)
  description = "Security groups allowed to connect on 6379 (the ECS tasks)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key encrypting data at rest, the slow log and the URL secrets."
}

variable "engine_version" {
  type        = string
  description = "Redis engine version (7.x)."
  default     = "7.1"
}

variable "node_type" {
  type        = string
  description = "ElastiCache node type of the cache replication group."
  default     = "cache.t4g.small"
}

variable "num_cache_clusters" {
  type        = number
  description = "Nodes in the cache replication group; 2 or more enables automatic failover and multi-AZ."
  default     = 2

  validation {
    condition     = var.num_cache_clusters >= 1 && var.num_cache_clusters <= 6
    error_message = "num_cache_clusters must be between 1 and 6."
  }
}

variable "broker_node_type" {
  type        = string
  description = "ElastiCache node type of the broker replication group (holds queued tasks; never evicts)."
  default     = "cache.t4g.small"
}

variable "broker_num_cache_clusters" {
  type        = number
  description = "Nodes in the broker replication group; 2 or more enables automatic failover and multi-AZ."
  default     = 2

  validation {
    condition     = var.broker_num_cache_clusters >= 1 && var.broker_num_cache_clusters <= 6
    error_message = "broker_num_cache_clusters must be between 1 and 6."
  }
}

variable "snapshot_retention_days" {
  type        = number
  description = "Days of daily snapshots of the broker (it holds queued tasks; the cache keeps none)."
  default     = 3
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the slow-log group, in days."
  default     = 30
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
