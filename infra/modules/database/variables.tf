variable "name" {
  type        = string
  description = "Identifier of the RDS instance and prefix of its parts, e.g. agora-prod."
}

variable "secret_prefix" {
  type        = string
  description = "Secrets Manager name prefix of the environment, e.g. agora/prod."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the database."
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets (two or more AZs) for the DB subnet group."

  validation {
    condition     = length(var.private_subnet_ids) >= 2
    error_message = "RDS needs subnets in at least two availability zones."
  }
}

variable "client_security_group_ids" {
  type        = list(string)
  description = "Security groups allowed to connect on 5432 (the ECS tasks)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key encrypting storage, Performance Insights, logs and the DATABASE_URL secret."
}

variable "engine_version" {
  type        = string
  description = "PostgreSQL engine version (major 15; minor upgrades are automatic)."
  default     = "15"

  validation {
    condition     = can(regex("^15(\\.|$)", var.engine_version))
    error_message = "Agora runs on PostgreSQL 15."
  }
}

variable "instance_class" {
  type        = string
  description = "RDS instance class."
  default     = "db.t4g.medium"
}

variable "database_name" {
  type        = string
  description = "Name of the application database."
  default     = "agora"
}

variable "master_username" {
  type        = string
  description = "Master user name: owns the schema and runs migrations (management task only)."
  default     = "agora"
}

variable "app_username" {
  type        = string
  description = "Least-privilege role the web, worker and beat tasks connect as (rows only; created by migrate)."
  default     = "agora_app"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.app_username))
    error_message = "app_username must be a plain lower-case PostgreSQL identifier."
  }
}

variable "ca_bundle_path" {
  type        = string
  description = "Path inside the image of the RDS CA bundle the database URLs verify the server against (sslrootcert)."
  default     = "/app/backend/certs/rds-ca-bundle.pem"
}

variable "allocated_storage_gb" {
  type        = number
  description = "Initial storage, in GiB."
  default     = 50
}

variable "max_allocated_storage_gb" {
  type        = number
  description = "Ceiling of storage autoscaling, in GiB."
  default     = 500
}

variable "multi_az" {
  type        = bool
  description = "Synchronous standby in a second AZ (true in prod)."
  default     = true
}

variable "backup_retention_days" {
  type        = number
  description = "Days of automated backups and point-in-time recovery (7 or more; 14 in prod)."
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the instance (true in prod); also decides whether a final snapshot is taken."
  default     = true
}

variable "log_min_duration_statement_ms" {
  type        = number
  description = "Log statements slower than this many milliseconds (log_min_duration_statement)."
  default     = 500
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the exported PostgreSQL log groups, in days."
  default     = 30
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
