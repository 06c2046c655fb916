variable "name" {
  type        = string
  description = "Cluster name and prefix of the module's resources, e.g. agora-prod."
}

variable "secret_prefix" {
  type        = string
  description = "Secrets Manager name prefix of the environment, e.g. agora/prod; app secrets are <prefix>/<VARIABLE>."
}

variable "family_prefix" {
  type        = string
  description = "Task definition families are <prefix>-web/-worker/-beat/-management (ops and CD use agora-management)."
  default     = "agora"
}

variable "image" {
  type        = string
  description = "The one container image every task definition runs, by digest (<repository>@sha256:...): the image CD deployed last, never a tag that may not exist."

  validation {
    condition     = can(regex("^[^@:]+(:[0-9]+)?/[^@]+@sha256:[0-9a-f]{64}$", var.image))
    error_message = "image must be <repository>@sha256:<digest> (the deployed image), not a tag."
  }
}

variable "otel_collector_image" {
  type        = string
  description = "AWS Distro for OpenTelemetry collector image of the tracing sidecar (web, worker, beat), pinned by digest."
  default     = "public.ecr.aws/aws-observability/aws-otel-collector:v0.48.0@sha256:9b28046359054b414f4ba76056ba4e8cffda2d53fbcee06171d7eeecd71326c3"

  validation {
    condition     = can(regex("@sha256:[0-9a-f]{64}$", var.otel_collector_image))
    error_message = "otel_collector_image must be pinned by digest."
  }
}

variable "deployment_environment" {
  type        = string
  description = "Name of the deployment (dev, staging, prod): AGORA_ENVIRONMENT, Sentry's environment and the traces' deployment.environment."
}

variable "sentry_dsn" {
  type        = string
  description = "Sentry DSN of the project (SENTRY_DSN); empty turns error reporting off. A DSN only allows sending events, so it is not a secret."
  default     = ""
}

variable "trace_sample_ratio" {
  type        = number
  description = "Share of traces started here that are recorded (OTEL_TRACES_SAMPLER_ARG; parent-based, so a trace is kept or dropped whole)."
  default     = 0.1

  validation {
    condition     = var.trace_sample_ratio >= 0 && var.trace_sample_ratio <= 1
    error_message = "trace_sample_ratio must be between 0 and 1."
  }
}

variable "deployment_alarm_names" {
  type        = list(string)
  description = "CloudWatch alarms that roll a web deployment back when they go off during it (the critical 5xx rate)."
  default     = []
}

variable "cpu_architecture" {
  type        = string
  description = "CPU architecture of the image: X86_64 or ARM64."
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC of the tasks."
}

variable "vpc_cidr_block" {
  type        = string
  description = "CIDR of the VPC; tasks reach PostgreSQL and Redis only inside it."
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets the tasks run in (no public IPs)."
}

variable "alb_security_group_id" {
  type        = string
  description = "Security group of the ALB, the only source admitted to the web port."
}

variable "target_group_arn" {
  type        = string
  description = "ALB target group the web service registers into."
}

variable "alb_arn_suffix" {
  type        = string
  description = "ARN suffix of the ALB, for the ALBRequestCountPerTarget scaling metric."
}

variable "target_group_arn_suffix" {
  type        = string
  description = "ARN suffix of the web target group, for the ALBRequestCountPerTarget scaling metric."
}

variable "container_port" {
  type        = number
  description = "Port gunicorn listens on."
  default     = 8000
}

variable "ecr_repository_arn" {
  type        = string
  description = "ECR repository the execution role may pull from."
}

variable "kms_key_arn" {
  type        = string
  description = "Environment KMS key: encrypts the log groups and the secrets the execution role decrypts."
}

variable "media_bucket_name" {
  type        = string
  description = "Media bucket name, passed to the app as AWS_STORAGE_BUCKET_NAME."
}

variable "media_bucket_arn" {
  type        = string
  description = "Media bucket ARN: the only bucket the task role may touch."
}

variable "media_kms_key_arn" {
  type        = string
  description = "KMS key of the media bucket; the task role may encrypt and decrypt with it."
}

variable "secret_arns" {
  type        = map(string)
  description = "Environment variable name => Secrets Manager secret ARN from other modules (database, cache, search), injected through the containers' secrets; the module adds its own app secrets."

  validation {
    condition     = alltrue([for arn in values(var.secret_arns) : can(regex("^arn:aws[a-z-]*:secretsmanager:", arn))])
    error_message = "Every value of secret_arns must be a Secrets Manager ARN."
  }
}

variable "management_secret_arns" {
  type        = map(string)
  description = "Secrets only the one-off management task gets (environment variable name => Secrets Manager ARN), overriding secret_arns of the same name: the owner's DATABASE_URL for migrations and APP_DATABASE_URL."
  default     = {}

  validation {
    condition     = alltrue([for arn in values(var.management_secret_arns) : can(regex("^arn:aws[a-z-]*:secretsmanager:", arn))])
    error_message = "Every value of management_secret_arns must be a Secrets Manager ARN."
  }
}

variable "environment" {
  type        = map(string)
  description = "Non-secret environment variables for every container (hosts, origins, bucket domain...). Secrets go in secret_arns."
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.environment) : !can(regex("(SECRET|PASSWORD|TOKEN|API_KEY|DATABASE_URL|BROKER_URL|REDIS_URL)", k)) || k == "STRIPE_PUBLISHABLE_KEY"])
    error_message = "Secret-looking variables must be passed through secret_arns, not environment."
  }

  validation {
    condition     = lookup(var.environment, "PAYMENT_GATEWAY", "dummy") != "dummy" && length(regexall("(^|,)\\s*dummy\\s*(,|$)", lookup(var.environment, "PAYMENT_METHODS", "dummy"))) == 0 && !contains(keys(var.environment), "PAYMENT_ALLOW_DUMMY_IN_PRODUCTION")
    error_message = "Set PAYMENT_GATEWAY and PAYMENT_METHODS explicitly (stripe): the dummy gateway pays any token and must never be offered by a deployment."
  }
}

variable "num_proxies" {
  type        = number
  description = "Trusted proxies in front of the web tasks (NUM_PROXIES): 1 for the ALB, 2 with CloudFront in front of it. The client address is the one the outermost appended to X-Forwarded-For."
  default     = 1

  validation {
    condition     = var.num_proxies >= 1 && var.num_proxies <= 3
    error_message = "num_proxies must be 1 (the ALB) to 3."
  }
}

variable "log_level" {
  type        = string
  description = "LOG_LEVEL of the application."
  default     = "INFO"
}

variable "metrics_namespace" {
  type        = string
  description = "CloudWatch namespace of the app's Celery metrics (CLOUDWATCH_METRICS_NAMESPACE); QueueDepth has a Queue dimension."
  default     = "Agora/Celery"
}

variable "celery_queues" {
  type        = list(string)
  description = "Queues the workers consume, in order; also the QueueDepth dimensions scaling reads."
  default     = ["default", "orders", "search", "media", "imports"]
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the tasks' log groups, in days."
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "web_cpu" {
  type        = number
  description = "CPU units of a web task (1024 = 1 vCPU)."
  default     = 512
}

variable "web_memory" {
  type        = number
  description = "Memory (MiB) of a web task."
  default     = 1024
}

variable "web_concurrency" {
  type        = number
  description = "Gunicorn worker processes per web task (WEB_CONCURRENCY)."
  default     = 3
}

variable "gunicorn_timeout" {
  type        = number
  description = "Seconds before gunicorn kills a stuck request (GUNICORN_TIMEOUT)."
  default     = 30
}

variable "web_desired_count" {
  type        = number
  description = "Web tasks at steady state, also the autoscaling minimum."
  default     = 3

  validation {
    condition     = var.web_desired_count >= 2
    error_message = "Run at least two web tasks so one AZ or one deploy never takes the site down."
  }
}

variable "web_max_count" {
  type        = number
  description = "Most web tasks autoscaling may run."
  default     = 12
}

variable "web_cpu_target" {
  type        = number
  description = "Average CPU (%) web autoscaling keeps."
  default     = 60
}

variable "web_requests_per_target" {
  type        = number
  description = "ALB requests per web task per minute that autoscaling keeps."
  default     = 1000
}

variable "worker_cpu" {
  type        = number
  description = "CPU units of a worker task."
  default     = 512
}

variable "worker_memory" {
  type        = number
  description = "Memory (MiB) of a worker task."
  default     = 1024
}

variable "worker_desired_count" {
  type        = number
  description = "Worker tasks at steady state, also the autoscaling minimum."
  default     = 2

  validation {
    condition     = var.worker_desired_count >= 1
    error_message = "At least one worker must run."
  }
}

variable "worker_max_count" {
  type        = number
  description = "Most worker tasks autoscaling may run."
  default     = 10
}

variable "worker_backlog_per_task" {
  type        = number
  description = "Queued Celery messages per worker task that autoscaling keeps."
  default     = 100
}

variable "worker_soft_shutdown_seconds" {
  type        = number
  description = "Seconds a stopping worker lets running tasks finish (Celery soft shutdown) before re-queueing the rest; must end well before the 120 s SIGKILL."

  default = 90

  validation {
    condition     = var.worker_soft_shutdown_seconds > 0 && var.worker_soft_shutdown_seconds <= 100
    error_message = "worker_soft_shutdown_seconds must be 1-100: the cold shutdown needs the rest of Fargate's 120 s stop timeout."
  }
}

variable "management_cpu" {
  type        = number
  description = "CPU units of a one-off management task (migrate, search_rebuild...)."
  default     = 512
}

variable "management_memory" {
  type        = number
  description = "Memory (MiB) of a one-off management task."
  default     = 1024
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
