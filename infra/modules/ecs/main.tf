# Four task definitions from ONE image: web (gunicorn), worker (Celery),
# beat (Celery beat) and management (one-off manage.py commands).
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  region = data.aws_region.current.name

  # Secrets are injected by ECS from Secrets Manager at task start: they never
  # appear in the task definition, the console or `describe-task-definition`.
  # Web, worker and beat get the shared set; the one-off management task gets it plus
  # its own (the owner's DATABASE_URL for migrations, APP_DATABASE_URL to keep the
  # application role in step), which override shared names.
  secret_arns = merge(
    { for k, s in aws_secretsmanager_secret.app : k => s.arn if !local.app_secrets[k].management_only },
    var.secret_arns,
  )
  management_secret_arns = merge(
    local.secret_arns,
    { for k, s in aws_secretsmanager_secret.app : k => s.arn if local.app_secrets[k].management_only },
    var.management_secret_arns,
  )
  secrets            = [for name in sort(keys(local.secret_arns)) : { name = name, valueFrom = local.secret_arns[name] }]
  management_secrets = [for name in sort(keys(local.management_secret_arns)) : { name = name, valueFrom = local.management_secret_arns[name] }]
  role_secrets = {
    web        = local.secrets
    worker     = local.secrets
    beat       = local.secrets
    management = local.management_secrets
  }

  # Secrets owned by the application itself. Stripe and email values are issued
  # by third parties and written out of band; the placeholders only let tasks
  # start (checkout answers 503 payment_provider_unavailable until the real
  # Stripe keys are written: the dummy gateway is never offered in production;
  # emails wait in the outbox until EMAIL_URL is written).
  app_secrets = {
    DJANGO_SECRET_KEY     = { description = "Django SECRET_KEY (generated)", placeholder = null, management_only = false }
    STRIPE_SECRET_KEY     = { description = "Stripe secret API key", placeholder = "not-configured", management_only = false }
    STRIPE_WEBHOOK_SECRET = { description = "Stripe webhook signing secret", placeholder = "not-configured", management_only = false }
    # The Connect endpoint (/api/v1/payouts/stripe/webhook/) signs with its own secret.
    STRIPE_CONNECT_WEBHOOK_SECRET = { description = "Stripe Connect webhook signing secret", placeholder = "not-configured", management_only = false }
    EMAIL_URL                     = { description = "Outgoing mail URL (django-environ email_url)", placeholder = "not-configured", management_only = false }
    # Read by `create_staff_user` in the one-off management task only: ops put a password here
    # (never in --overrides, which the task's description shows), run the command, then rotate it.
    STAFF_PASSWORD = { description = "Password create_staff_user sets (management task only)", placeholder = "not-configured", management_only = true }
  }

  environment = [for name in sort(keys(local.plain_env)) : { name = name, value = local.plain_env[name] }]
  plain_env = merge(
    {
      DJANGO_SETTINGS_MODULE       = "config.settings"
      DJANGO_ENV                   = "production"
      DJANGO_DEBUG                 = "false"
      SECURE_SSL_REDIRECT          = "true"
      LOG_JSON                     = "true"
      LOG_LEVEL                    = var.log_level
      CLOUDWATCH_METRICS_NAMESPACE = var.metrics_namespace
      AWS_STORAGE_BUCKET_NAME      = var.media_bucket_name
      AWS_S3_REGION_NAME           = local.region
      # Client addresses for throttles, the admin lockout and the access log are read from
      # X-Forwarded-For behind this many trusted proxies (the ALB).
      NUM_PROXIES = tostring(var.num_proxies)
      # Error reporting (off while empty) and where traces go (the collector sidecar).
      AGORA_ENVIRONMENT = var.deployment_environment
      SENTRY_DSN        = var.sentry_dsn
    },
    var.environment,
  )

  # OpenTelemetry: spans over OTLP/HTTP to the collector sidecar on the task's loopback. The
  # management task has no collector (one-off commands), so no endpoint: tracing stays off there.
  tracing_env = {
    OTEL_EXPORTER_OTLP_ENDPOINT = "http://127.0.0.1:4318"
    OTEL_EXPORTER_OTLP_PROTOCOL = "http/protobuf"
    OTEL_TRACES_SAMPLER         = "parentbased_traceidratio"
    OTEL_TRACES_SAMPLER_ARG     = tostring(var.trace_sample_ratio)
  }

  services = {
    web = {
      command = ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
      cpu     = var.web_cpu
      memory  = var.web_memory
      extra_env = {
        OTEL_SERVICE_NAME = "agora-web"
        WEB_CONCURRENCY   = tostring(var.web_concurrency)
        GUNICORN_TIMEOUT  = tostring(var.gunicorn_timeout)
      }
      tracing      = true
      port         = var.container_port
      stop_timeout = 30
      health_check = ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${var.container_port}/health/', timeout=4)"]
    }
    worker = {
      command = ["celery", "-A", "config", "worker", "-Q", join(",", var.celery_queues), "-l", "INFO"]
      cpu     = var.worker_cpu
      memory  = var.worker_memory
      tracing = true
      extra_env = {
        OTEL_SERVICE_NAME = "agora-worker"
        # Each event heartbeat of the worker's main process touches this file; the health
        # check below fails when it is older than WORKER_HEARTBEAT_MAX_AGE seconds.
        WORKER_HEARTBEAT_FILE    = local.worker_heartbeat_file
        WORKER_HEARTBEAT_MAX_AGE = "60"
        # SIGTERM (ECS stopping the task) starts Celery's soft shutdown: running tasks get
        # worker_soft_shutdown_seconds to finish, the rest are cancelled and go straight back
        # to their queue (acks_late) for another worker, before the SIGKILL at stop_timeout.
        REMAP_SIGTERM                       = "SIGQUIT"
        CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = tostring(var.worker_soft_shutdown_seconds)
      }
      port         = null
      stop_timeout = local.worker_stop_timeout
      # A worker whose event loop is wedged or that lost the broker stops beating: ECS
      # replaces it instead of leaving its reserved tasks stuck.
      health_check = ["CMD", "python", "-m", "agora.core.worker_health"]
    }
    beat = {
      command      = ["celery", "-A", "config", "beat", "-l", "INFO", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"]
      cpu          = 512
      memory       = 1024
      extra_env    = { OTEL_SERVICE_NAME = "agora-beat" }
      tracing      = true
      port         = null
      stop_timeout = 30
      health_check = null
    }
    management = {
      # Default runs migrations; ops pass other commands with --overrides.
      command      = ["python", "manage.py", "migrate", "--noinput"]
      cpu          = var.management_cpu
      memory       = var.management_memory
      extra_env    = {}
      tracing      = false
      port         = null
      stop_timeout = 30
      health_check = null
    }
  }

  worker_heartbeat_file = "/tmp/celery-worker-heartbeat"
  # Fargate's maximum time between SIGTERM and SIGKILL: covers the soft shutdown plus the
  # cold shutdown that re-queues what is still running.
  worker_stop_timeout = 120

  # The app container of each task definition.
  app_containers = {
    for role, spec in local.services : role => merge(
      {
        name                   = role
        image                  = var.image
        essential              = true
        command                = spec.command
        readonlyRootFilesystem = true
        user                   = "10001:10001"
        stopTimeout            = spec.stop_timeout
        environment = concat(
          local.environment,
          [for k in sort(keys(spec.extra_env)) : { name = k, value = spec.extra_env[k] }],
          spec.tracing ? [for k in sort(keys(local.tracing_env)) : { name = k, value = local.tracing_env[k] }] : [],
        )
        secrets     = local.role_secrets[role]
        mountPoints = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
        logConfiguration = {
          logDriver = "awslogs"
          options = {
            awslogs-group         = aws_cloudwatch_log_group.this[role].name
            awslogs-region        = local.region
            awslogs-stream-prefix = role
          }
        }
      },
      spec.port == null ? {} : {
        portMappings = [{ containerPort = spec.port, protocol = "tcp" }]
      },
      spec.health_check == null ? {} : {
        healthCheck = {
          command     = spec.health_check
          interval    = 30
          timeout     = 5
          retries     = 3
          startPeriod = 30
        }
      },
    )
  }

  # The worker autoscaling signal is published from the beat task, by a sidecar that shares
  # nothing with the workers' queues: a Celery task on the default queue would wait behind the
  # very backlog it reports. Essential, so a crashed publisher replaces the task (beat included;
  # the schedule lives in the database, so a restart loses nothing).
  queue_metrics_container = merge(local.app_containers["beat"], {
    name        = "queue-metrics"
    command     = ["python", "manage.py", "publish_queue_metrics", "--every", "60"]
    stopTimeout = 10
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this["beat"].name
        awslogs-region        = local.region
        awslogs-stream-prefix = "queue-metrics"
      }
    }
  })

  # AWS Distro for OpenTelemetry collector: receives the app's spans on the task's loopback and
  # sends them to X-Ray. Not essential: losing traces must never stop the shop.
  otel_collector_container = {
    for role in ["web", "worker", "beat"] : role => {
      name                   = "otel-collector"
      image                  = var.otel_collector_image
      essential              = false
      readonlyRootFilesystem = true
      user                   = "10001:10001"
      environment            = [{ name = "AOT_CONFIG_CONTENT", value = file("${path.module}/otel-collector.yaml") }]
      healthCheck = {
        command     = ["/healthcheck"]
        interval    = 30
        timeout     = 5
        retries     = 3
        startPeriod = 10
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this[role].name
          awslogs-region        = local.region
          awslogs-stream-prefix = "otel-collector"
        }
      }
    }
  }

  task_containers = {
    web        = [local.app_containers["web"], local.otel_collector_container["web"]]
    worker     = [local.app_containers["worker"], local.otel_collector_container["worker"]]
    beat       = [local.app_containers["beat"], local.queue_metrics_container, local.otel_collector_container["beat"]]
    management = [local.app_containers["management"]]
  }
}

# ------------------------------------------------------------- app secrets
resource "random_password" "django_secret_key" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret" "app" {
  for_each = local.app_secrets

  #checkov:skip=CKV2_AWS_57:Rotating SECRET_KEY invalidates sessions and signed tokens, and Stripe/email values come from third parties; all are rotated by runbook (infra/README.md).
  name        = "${var.secret_prefix}/${each.key}"
  description = "${each.value.description} (${var.name})"
  kms_key_id  = var.kms_key_arn
  tags        = var.tags
}

resource "aws_secretsmanager_secret_version" "app" {
  for_each = local.app_secrets

  secret_id     = aws_secretsmanager_secret.app[each.key].id
  secret_string = each.value.placeholder == null ? random_password.django_secret_key.result : each.value.placeholder

  # Values set out of band (Stripe, email) must survive the next apply.
  lifecycle {
    ignore_changes = [secret_string]
  }
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = var.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is a per-environment variable (90 days in prod); a year of operational logs costs more than it helps, and audit trails live in CloudTrail.
  for_each = local.services

  name              = "/ecs/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

# ----------------------------------------------------------------- IAM roles
data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# Execution role: what ECS itself needs to start a task (pull the image,
# write logs, read this environment's secrets). The app never gets it.
resource "aws_iam_role" "execution" {
  name               = "${var.name}-task-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid = "PullImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [var.ecr_repository_arn]
  }

  statement {
    # GetAuthorizationToken has no resource-level permissions.
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for g in aws_cloudwatch_log_group.this : "${g.arn}:*"]
  }

  statement {
    sid       = "ReadOwnSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = distinct(values(local.management_secret_arns))
  }

  statement {
    sid       = "DecryptSecretsAndImage"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "start-tasks"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# Task role: what the application code may do, and nothing more.
resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "task" {
  statement {
    sid       = "MediaBucketList"
    actions   = ["s3:ListBucket"]
    resources = [var.media_bucket_arn]
  }

  statement {
    sid       = "MediaObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.media_bucket_arn}/*"]
  }

  statement {
    sid       = "MediaEncryption"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.media_kms_key_arn]
  }

  statement {
    # The OpenTelemetry collector sidecar sends traces to X-Ray (these actions have no
    # resource-level permissions).
    sid = "SendTraces"
    actions = [
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
      "xray:GetSamplingStatisticSummaries",
    ]
    resources = ["*"]
  }

  statement {
    # PutMetricData has no resource-level permissions; the namespace condition
    # keeps the app from writing anywhere but its own metrics.
    sid       = "PublishQueueMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [var.metrics_namespace]
    }
  }
}

data "aws_iam_policy_document" "task_protection" {
  statement {
    # A worker protects its own ECS task from scale-in while an import runs (through the
    # ECS agent's task-protection endpoint, which acts with the task role).
    sid       = "ScaleInProtectionOfOwnTasks"
    actions   = ["ecs:GetTaskProtection", "ecs:UpdateTaskProtection"]
    resources = ["arn:${data.aws_partition.current.partition}:ecs:${local.region}:${data.aws_caller_identity.current.account_id}:task/${var.name}/*"]
  }
}

resource "aws_iam_role_policy" "task_protection" {
  name   = "scale-in-protection"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task_protection.json
}

resource "aws_iam_role_policy" "task" {
  name   = "app"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}

# ----------------------------------------------------------- task definitions
resource "aws_ecs_task_definition" "this" {
  for_each = local.services

  family                   = "${var.family_prefix}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # Root filesystem is read-only; /tmp is the one writable (ephemeral) path.
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode(local.task_containers[each.key])

  tags = var.tags
}

# ------------------------------------------------------------------ services
resource "aws_security_group" "tasks" {
  name        = "${var.name}-tasks"
  description = "Agora ECS tasks: in from the ALB only, out to AWS APIs, SaaS, the database and the cache"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "from_alb" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "Web port from the ALB"
  referenced_security_group_id = var.alb_security_group_id
  from_port                    = var.container_port
  to_port                      = var.container_port
  ip_protocol                  = "tcp"
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to AWS APIs (ECR, Secrets Manager, S3, CloudWatch), Stripe and Elastic Cloud"
  cidr_ipv4         = "0.0.0.0/0"
  from_port         = 443
  to_port           = 443
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_egress_rule" "elastic_cloud" {
  security_group_id = aws_security_group.tasks.id
  description       = "Elastic Cloud's alternate HTTPS port"
  cidr_ipv4         = "0.0.0.0/0"
  from_port         = 9243
  to_port           = 9243
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_egress_rule" "smtp" {
  security_group_id = aws_security_group.tasks.id
  description       = "SMTP submission (STARTTLS) for transactional email"
  cidr_ipv4         = "0.0.0.0/0"
  from_port         = 587
  to_port           = 587
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_egress_rule" "postgres" {
  security_group_id = aws_security_group.tasks.id
  description       = "PostgreSQL inside the VPC"
  cidr_ipv4         = var.vpc_cidr_block
  from_port         = 5432
  to_port           = 5432
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_egress_rule" "redis" {
  security_group_id = aws_security_group.tasks.id
  description       = "Redis (TLS) inside the VPC"
  cidr_ipv4         = var.vpc_cidr_block
  from_port         = 6379
  to_port           = 6379
  ip_protocol       = "tcp"
}

resource "aws_ecs_service" "web" {
  name             = "web"
  cluster          = aws_ecs_cluster.this.id
  task_definition  = aws_ecs_task_definition.this["web"].arn
  desired_count    = var.web_desired_count
  launch_type      = "FARGATE"
  platform_version = "LATEST"

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 60
  enable_execute_command             = false
  propagate_tags                     = "SERVICE"

  # A deploy whose tasks keep failing is stopped and rolled back to the last
  # working task definition automatically.
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # ...and so is one whose tasks start fine but answer 5xx: while the deployment runs
  # (and its bake time), the critical 5xx alarm going off rolls it back.
  alarms {
    alarm_names = var.deployment_alarm_names
    enable      = length(var.deployment_alarm_names) > 0
    rollback    = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = "web"
    container_port   = var.container_port
  }

  # CD registers new task definition revisions (new image) and autoscaling
  # moves desired_count; Terraform must not undo either.
  lifecycle {
    ignore_changes = [task_definition, desired_count]
  }

  tags = var.tags
}

resource "aws_ecs_service" "worker" {
  name             = "worker"
  cluster          = aws_ecs_cluster.this.id
  task_definition  = aws_ecs_task_definition.this["worker"].arn
  desired_count    = var.worker_desired_count
  launch_type      = "FARGATE"
  platform_version = "LATEST"

  deployment_minimum_healthy_percent = 50
  deployment_maximum_percent         = 200
  enable_execute_command             = false
  propagate_tags                     = "SERVICE"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  lifecycle {
    ignore_changes = [task_definition, desired_count]
  }

  tags = var.tags
}

resource "aws_ecs_service" "beat" {
  name             = "beat"
  cluster          = aws_ecs_cluster.this.id
  task_definition  = aws_ecs_task_definition.this["beat"].arn
  launch_type      = "FARGATE"
  platform_version = "LATEST"

  # Exactly one scheduler, ever: two would enqueue every periodic task twice.
  # A deploy stops the old task before starting the new one (max 100 %,
  # min 0 %), and the service is deliberately not autoscaled.
  desired_count                      = 1
  deployment_minimum_healthy_percent = 0
  deployment_maximum_percent         = 100
  enable_execute_command             = false
  propagate_tags                     = "SERVICE"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  lifecycle {
    ignore_changes = [task_definition]
  }

  tags = var.tags
}

# --------------------------------------------------------------- autoscaling
resource "aws_appautoscaling_target" "web" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.web.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.web_desired_count
  max_capacity       = var.web_max_count
}

resource "aws_appautoscaling_policy" "web_cpu" {
  name               = "${var.name}-web-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.web_cpu_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "web_requests" {
  name               = "${var.name}-web-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.web_requests_per_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${var.alb_arn_suffix}/${var.target_group_arn_suffix}"
    }
  }
}

resource "aws_appautoscaling_target" "worker" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.worker.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.worker_desired_count
  max_capacity       = var.worker_max_count
}

# Workers scale on backlog per worker: the total of every queue's depth (the Agora/Celery
# QueueDepth metric without a Queue dimension, published every minute by the beat task's
# queue-metrics sidecar) divided by the running worker count, kept near worker_backlog_per_task.
#
# Missing queue-depth data stays missing: target tracking then takes no action (and the
# queue alarms, which treat missing data as breaching, page someone). Filling it with 0 would
# read "no backlog" and scale workers IN exactly when the publisher is starved or down. A
# missing worker count is filled with 1, which can only overstate the backlog per worker
# (scale out), never hide it.
resource "aws_appautoscaling_policy" "worker_queue_depth" {
  name               = "${var.name}-worker-queue-depth"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.worker.service_namespace
  resource_id        = aws_appautoscaling_target.worker.resource_id
  scalable_dimension = aws_appautoscaling_target.worker.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.worker_backlog_per_task
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    customized_metric_specification {
      metrics {
        id          = "backlog"
        return_data = false
        metric_stat {
          stat = "Maximum"
          metric {
            namespace   = var.metrics_namespace
            metric_name = "QueueDepth"
          }
        }
      }

      metrics {
        id          = "workers"
        return_data = false
        metric_stat {
          stat = "Average"
          metric {
            namespace   = "ECS/ContainerInsights"
            metric_name = "RunningTaskCount"
            dimensions {
              name  = "ClusterName"
              value = aws_ecs_cluster.this.name
            }
            dimensions {
              name  = "ServiceName"
              value = aws_ecs_service.worker.name
            }
          }
        }
      }

      metrics {
        id          = "backlog_per_worker"
        label       = "Celery backlog per worker"
        return_data = true
        expression  = "backlog / FILL(workers, 1)"
      }
    }
  }
}
