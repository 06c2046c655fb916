# Four task definitions from ONE image: web (gunicorn), worker (Celery),
# beat (Celery beat) and management (one-off manage.py commands).
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  region = data.aws_region.current.name

  # Secrets are injected by ECS from Secrets Manager at task start: they never
  # appear in the task definition, the console or `describe-task-definition`.
  secret_arns = merge(
    { for k, s in aws_secretsmanager_secret.app : k => s.arn },
    var.secret_arns,
  )
  secrets = [for name in sort(keys(local.secret_arns)) : { name = name, valueFrom = local.secret_arns[name] }]

  # Secrets owned by the application itself. Stripe and email values are issued
  # by third parties and written out of band; the placeholders only let tasks
  # start (checkout answers 503 payment_provider_unavailable until the real
  # Stripe keys are written: the dummy gateway is never offered in production).
  app_secrets = {
    DJANGO_SECRET_KEY     = { description = "Django SECRET_KEY (generated)", placeholder = null }
    STRIPE_SECRET_KEY     = { description = "Stripe secret API key", placeholder = "not-configured" }
    STRIPE_WEBHOOK_SECRET = { description = "Stripe webhook signing secret", placeholder = "not-configured" }
    # The Connect endpoint (/api/v1/payouts/stripe/webhook/) signs with its own secret.
    STRIPE_CONNECT_WEBHOOK_SECRET = { description = "Stripe Connect webhook signing secret", placeholder = "not-configured" }
    EMAIL_URL                     = { description = "Outgoing mail URL (django-environ email_url)", placeholder = "consolemail://" }
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
    },
    var.environment,
  )

  services = {
    web = {
      command = ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
      cpu     = var.web_cpu
      memory  = var.web_memory
      extra_env = {
        WEB_CONCURRENCY  = tostring(var.web_concurrency)
        GUNICORN_TIMEOUT = tostring(var.gunicorn_timeout)
      }
      port         = var.container_port
      stop_timeout = 30
    }
    worker = {
      command      = ["celery", "-A", "config", "worker", "-Q", join(",", var.celery_queues), "-l", "INFO"]
      cpu          = var.worker_cpu
      memory       = var.worker_memory
      extra_env    = {}
      port         = null
      stop_timeout = 120 # Fargate's maximum: lets running tasks finish on SIGTERM.
    }
    beat = {
      command      = ["celery", "-A", "config", "beat", "-l", "INFO", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"]
      cpu          = 256
      memory       = 512
      extra_env    = {}
      port         = null
      stop_timeout = 30
    }
    management = {
      # Default runs migrations; ops pass other commands with --overrides.
      command      = ["python", "manage.py", "migrate", "--noinput"]
      cpu          = var.management_cpu
      memory       = var.management_memory
      extra_env    = {}
      port         = null
      stop_timeout = 30
    }
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
    resources = values(local.secret_arns)
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

  container_definitions = jsonencode([
    merge(
      {
        name                   = each.key
        image                  = var.image
        essential              = true
        command                = each.value.command
        readonlyRootFilesystem = true
        user                   = "10001:10001"
        stopTimeout            = each.value.stop_timeout
        environment = concat(
          local.environment,
          [for k in sort(keys(each.value.extra_env)) : { name = k, value = each.value.extra_env[k] }],
        )
        secrets     = local.secrets
        mountPoints = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
        logConfiguration = {
          logDriver = "awslogs"
          options = {
            awslogs-group         = aws_cloudwatch_log_group.this[each.key].name
            awslogs-region        = local.region
            awslogs-stream-prefix = each.key
          }
        }
      },
      each.value.port == null ? {} : {
        portMappings = [{ containerPort = each.value.port, protocol = "tcp" }]
        healthCheck = {
          command     = ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${each.value.port}/health/', timeout=4)"]
          interval    = 30
          timeout     = 5
          retries     = 3
          startPeriod = 30
        }
      },
    )
  ])

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

# Workers scale on backlog per worker: the sum of every queue's depth (the
# Agora/Celery QueueDepth metric a beat task publishes per queue) divided by
# the running worker count, kept near worker_backlog_per_task.
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
      dynamic "metrics" {
        for_each = var.celery_queues
        content {
          id          = "q${metrics.key}"
          return_data = false
          metric_stat {
            stat = "Maximum"
            metric {
              namespace   = var.metrics_namespace
              metric_name = "QueueDepth"
              dimensions {
                name  = "Queue"
                value = metrics.value
              }
            }
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
        # min_capacity >= 1, so the divisor is never 0 while the service runs.
        expression = "(${join(" + ", [for i, q in var.celery_queues : "FILL(q${i}, 0)"])}) / FILL(workers, 1)"
      }
    }
  }
}
