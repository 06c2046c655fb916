variable "name" {
  type        = string
  description = "Prefix of alarm names and the SNS topic, e.g. agora-prod."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key encrypting the SNS topic (its policy admits CloudWatch)."
}

variable "alarm_emails" {
  type        = list(string)
  description = "Email addresses subscribed to the alarm topic (each must confirm)."
  default     = []
}

variable "alb_arn_suffix" {
  type        = string
  description = "ARN suffix of the ALB (LoadBalancer dimension)."
}

variable "ecs_cluster_name" {
  type        = string
  description = "ECS cluster of the services."
}

variable "ecs_service_names" {
  type        = list(string)
  description = "ECS services watched for CPU and memory."
  default     = ["web", "worker", "beat"]
}

variable "beat_service_name" {
  type        = string
  description = "ECS service running Celery beat (and the queue-metrics sidecar); alarmed when it has no running task."
  default     = "beat"
}

variable "broker_cache_cluster_ids" {
  type        = list(string)
  description = "Node ids of the broker replication group; each gets a memory alarm (the broker never evicts)."
  default     = []
}

variable "broker_memory_critical_percent" {
  type        = number
  description = "Broker node memory use (%) that raises a critical alarm."
  default     = 75
}

variable "db_instance_identifier" {
  type        = string
  description = "RDS instance identifier."
}

variable "db_max_connections" {
  type        = number
  description = "max_connections of the database (depends on instance memory); the alarm fires above 80% of it."
}

variable "metrics_namespace" {
  type        = string
  description = "CloudWatch namespace of the app's custom metrics (Celery QueueDepth, ReconciliationFindings)."
  default     = "Agora/Celery"
}

variable "celery_queues" {
  type        = list(string)
  description = "Celery queues with a QueueDepth alarm each."
  default     = ["default", "orders", "search", "media", "imports"]
}

variable "p95_latency_warning_seconds" {
  type        = number
  description = "ALB p95 TargetResponseTime (s) that raises a warning."
  default     = 0.5
}

variable "p95_latency_critical_seconds" {
  type        = number
  description = "ALB p95 TargetResponseTime (s) that raises a critical alarm."
  default     = 2
}

variable "error_rate_warning_percent" {
  type        = number
  description = "5xx share of requests (%) that raises a warning."
  default     = 1
}

variable "error_rate_critical_percent" {
  type        = number
  description = "5xx share of requests (%) that raises a critical alarm."
  default     = 5
}

variable "utilization_warning_percent" {
  type        = number
  description = "ECS service CPU or memory utilization (%) that raises a warning."
  default     = 75
}

variable "utilization_critical_percent" {
  type        = number
  description = "ECS service CPU or memory utilization (%) that raises a critical alarm."
  default     = 90
}

variable "queue_depth_warning" {
  type        = number
  description = "Messages waiting in one Celery queue that raise a warning."
  default     = 1000
}

variable "queue_depth_critical" {
  type        = number
  description = "Messages waiting in one Celery queue that raise a critical alarm."
  default     = 5000
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
