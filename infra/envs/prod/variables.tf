variable "environment" {
  type        = string
  description = "Environment name: dev, staging or prod. Names resources agora-<environment>."

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "aws_region" {
  type        = string
  description = "AWS region of the environment."
}

variable "vpc_cidr_block" {
  type        = string
  description = "CIDR of the environment's VPC."
}

variable "availability_zones" {
  type        = list(string)
  description = "Availability zone names of aws_region to spread subnets over (2 or more)."
}

variable "single_nat_gateway" {
  type        = bool
  description = "Share one NAT gateway between AZs (cheaper, not AZ-fault-tolerant)."
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate (in aws_region) for the ALB's HTTPS listener, covering domain_names."
}

variable "domain_names" {
  type        = list(string)
  description = "Host names the site answers on (ALLOWED_HOSTS, CSRF and CORS origins)."
}

variable "alb_deletion_protection" {
  type        = bool
  description = "Protect the ALB from deletion."
}

variable "force_destroy_buckets" {
  type        = bool
  description = "Let terraform destroy delete non-empty buckets (never in prod)."
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the environment's log groups, in days."
}

variable "db_instance_class" {
  type        = string
  description = "RDS instance class."
}

variable "db_multi_az" {
  type        = bool
  description = "Run the database with a synchronous standby in a second AZ."
}

variable "db_backup_retention_days" {
  type        = number
  description = "Days of automated database backups (7 or more, 14 in prod)."
}

variable "db_deletion_protection" {
  type        = bool
  description = "Protect the database from deletion (and take a final snapshot)."
}

variable "db_max_connections" {
  type        = number
  description = "max_connections of db_instance_class, for the 80% connections alarm."
}

variable "redis_node_type" {
  type        = string
  description = "ElastiCache node type of the cache (allkeys-lru)."
}

variable "redis_num_cache_clusters" {
  type        = number
  description = "Cache nodes (2 or more enables failover)."
}

variable "redis_broker_node_type" {
  type        = string
  description = "ElastiCache node type of the Celery broker (noeviction)."
}

variable "redis_broker_num_cache_clusters" {
  type        = number
  description = "Broker nodes (2 or more enables failover)."
}

variable "search_backend" {
  type        = string
  description = "SEARCH_BACKEND of the app: postgres, or elasticsearch once the Elastic Cloud secrets hold real values."

  validation {
    condition     = contains(["postgres", "elasticsearch"], var.search_backend)
    error_message = "search_backend must be postgres or elasticsearch."
  }
}

variable "search_index_replicas" {
  type        = number
  description = "ELASTICSEARCH_INDEX_REPLICAS: replicas of each search index; 1 or more outside dev, so one lost Elasticsearch node loses no index."

  validation {
    condition     = var.search_index_replicas >= (var.environment == "dev" ? 0 : 1)
    error_message = "search_index_replicas must be at least 1 in staging and prod."
  }
}

variable "stripe_publishable_key" {
  type        = string
  description = "Stripe publishable key (public by design, so a plain environment variable). Required: every environment offers Stripe, and the tasks refuse to start without it."

  validation {
    condition     = startswith(var.stripe_publishable_key, "pk_")
    error_message = "stripe_publishable_key must be a Stripe publishable key (pk_test_... or pk_live_...)."
  }
}

variable "default_from_email" {
  type        = string
  description = "DEFAULT_FROM_EMAIL of outgoing mail."
}

variable "alarm_emails" {
  type        = list(string)
  description = "Addresses subscribed to the environment's alarm topic (at least one in prod: an alarm nobody receives is no alarm)."
  default     = []

  validation {
    condition     = var.environment != "prod" || length(var.alarm_emails) > 0
    error_message = "Production needs at least one alarm_emails address."
  }
}

variable "staff_notification_emails" {
  type        = list(string)
  description = "Staff addresses (STAFF_NOTIFICATION_EMAILS) emailed about disputed returns and sub-orders past their ship-by date (at least one in prod: otherwise a dispute reaches nobody)."
  default     = []

  validation {
    condition     = var.environment != "prod" || length(var.staff_notification_emails) > 0
    error_message = "Production needs at least one staff_notification_emails address."
  }

  validation {
    condition     = alltrue([for email in var.staff_notification_emails : can(regex("^[^@,[:space:]]+@[^@,[:space:]]+$", email))])
    error_message = "Each staff_notification_emails entry is one e-mail address (no commas: the task gets them comma-joined)."
  }
}

variable "sentry_dsn" {
  type        = string
  description = "Sentry DSN for this environment's errors (empty: error reporting off)."
  default     = ""
}

variable "admin_allowed_cidrs" {
  type        = list(string)
  description = "Networks (CIDRs, e.g. the office VPN's egress) allowed to reach /admin/; others get 404. Empty allows every network (staff still need the password, 2FA and are locked out after repeated failures)."
  default     = []

  validation {
    condition     = alltrue([for c in var.admin_allowed_cidrs : can(cidrhost(c, 0))])
    error_message = "Every admin_allowed_cidrs entry must be a CIDR such as 203.0.113.0/24."
  }
}
