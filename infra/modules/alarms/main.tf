# Two severities per signal: "warning" pages nobody (chat/email digest),
# "critical" pages on-call. Both go to one SNS topic with the severity in the
# alarm name; subscriptions filter on it.
resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

locals {
  levels = {
    warning = {
      p95_seconds    = var.p95_latency_warning_seconds
      error_rate_pct = var.error_rate_warning_percent
      utilization    = var.utilization_warning_percent
      queue_depth    = var.queue_depth_warning
    }
    critical = {
      p95_seconds    = var.p95_latency_critical_seconds
      error_rate_pct = var.error_rate_critical_percent
      utilization    = var.utilization_critical_percent
      queue_depth    = var.queue_depth_critical
    }
  }

  ecs_alarms = merge([
    for service in var.ecs_service_names : merge([
      for metric in ["CPUUtilization", "MemoryUtilization"] : {
        for level, t in local.levels : "${service}-${metric}-${level}" => {
          service   = service
          metric    = metric
          level     = level
          threshold = t.utilization
        }
      }
    ]...)
  ]...)

  queue_alarms = merge([
    for queue in var.celery_queues : {
      for level, t in local.levels : "${queue}-${level}" => {
        queue     = queue
        level     = level
        threshold = t.queue_depth
      }
    }
  ]...)
}

resource "aws_cloudwatch_metric_alarm" "alb_p95_latency" {
  for_each = local.levels

  alarm_name          = "${var.name}-alb-p95-latency-${each.key}"
  alarm_description   = "p95 target response time above ${each.value.p95_seconds}s for 5 minutes"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  extended_statistic  = "p95"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.p95_seconds
  treat_missing_data  = "notBreaching"
  dimensions = {
    LoadBalancer = var.alb_arn_suffix
  }
  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
  tags          = var.tags
}

resource "aws_cloudwatch_metric_alarm" "alb_5xx_rate" {
  for_each = local.levels

  alarm_name          = "${var.name}-alb-5xx-rate-${each.key}"
  alarm_description   = "More than ${each.value.error_rate_pct}% of requests answered 5xx (target or ALB) for 5 minutes"
  evaluation_periods  = 5
  datapoints_to_alarm = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.error_rate_pct
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]

  metric_query {
    id          = "rate"
    expression  = "100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests"
    label       = "5xx rate (%)"
    return_data = true
  }

  metric_query {
    id = "target5xx"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      period      = 60
      stat        = "Sum"
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
    }
  }

  metric_query {
    id = "elb5xx"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      period      = 60
      stat        = "Sum"
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      period      = 60
      stat        = "Sum"
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "ecs_utilization" {
  for_each = local.ecs_alarms

  alarm_name          = "${var.name}-ecs-${each.value.service}-${lower(each.value.metric)}-${each.value.level}"
  alarm_description   = "${each.value.service}: average ${each.value.metric} above ${each.value.threshold}% for 10 minutes"
  namespace           = "AWS/ECS"
  metric_name         = each.value.metric
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 10
  datapoints_to_alarm = 10
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  dimensions = {
    ClusterName = var.ecs_cluster_name
    ServiceName = each.value.service
  }
  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
  tags          = var.tags
}

resource "aws_cloudwatch_metric_alarm" "rds_connections" {
  alarm_name          = "${var.name}-rds-connections-critical"
  alarm_description   = "Database connections above 80% of max_connections (${var.db_max_connections})"
  namespace           = "AWS/RDS"
  metric_name         = "DatabaseConnections"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = floor(var.db_max_connections * 0.8)
  treat_missing_data  = "breaching"
  dimensions = {
    DBInstanceIdentifier = var.db_instance_identifier
  }
  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
  tags          = var.tags
}

resource "aws_cloudwatch_metric_alarm" "queue_depth" {
  for_each = local.queue_alarms

  alarm_name          = "${var.name}-celery-${each.value.queue}-depth-${each.value.level}"
  alarm_description   = "Celery queue ${each.value.queue} holds more than ${each.value.threshold} messages for 10 minutes"
  namespace           = var.metrics_namespace
  metric_name         = "QueueDepth"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 10
  datapoints_to_alarm = 10
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  # No datapoints means the beat task's queue-metrics sidecar stopped publishing: then the
  # workers' scaling signal is gone too, so it must page like a backlog, not stay silent.
  treat_missing_data = "breaching"
  dimensions = {
    Queue = each.value.queue
  }
  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
  tags          = var.tags
}

# Beat runs exactly one task and nothing else enqueues the periodic work (order re-drive,
# unpaid-order expiry, search reconciliation) or publishes the scaling metric: no running beat
# task for 5 minutes is critical. A deploy's stop-then-start gap lasts well under that.
resource "aws_cloudwatch_metric_alarm" "beat_not_running" {
  alarm_name          = "${var.name}-ecs-beat-not-running-critical"
  alarm_description   = "The beat service has had no running task for 5 minutes: periodic tasks and the worker scaling metric have stopped"
  namespace           = "ECS/ContainerInsights"
  metric_name         = "RunningTaskCount"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 5
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  # Container Insights publishes nothing for a service without tasks: no data is the failure.
  treat_missing_data = "breaching"
  dimensions = {
    ClusterName = var.ecs_cluster_name
    ServiceName = var.beat_service_name
  }
  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
  tags          = var.tags
}

# The broker never evicts (noeviction): when it is full, publishing a task fails. Checkout
# survives that (beat re-drives the work) but nothing new gets queued, so page well before.
resource "aws_cloudwatch_metric_alarm" "broker_memory" {
  for_each = toset(var.broker_cache_cluster_ids)

  alarm_name          = "${var.name}-redis-broker-memory-${each.key}-critical"
  alarm_description   = "Broker node ${each.key} uses more than ${var.broker_memory_critical_percent}% of its memory; at 100% new tasks are refused (noeviction)"
  namespace           = "AWS/ElastiCache"
  metric_name         = "DatabaseMemoryUsagePercentage"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.broker_memory_critical_percent
  treat_missing_data  = "breaching"
  dimensions = {
    CacheClusterId = each.key
  }
  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
  tags          = var.tags
}

# The daily ledger reconciliation (agora/payouts/services/reconcile.py) publishes how many
# differences it found between our payments, refunds and payouts and the payout provider's books,
# or 1 when it could not read them. Any is money unaccounted for: it pages.
resource "aws_cloudwatch_metric_alarm" "reconciliation_findings" {
  alarm_name          = "${var.name}-ledger-reconciliation-critical"
  alarm_description   = "The daily ledger reconciliation found differences with the payout provider (or could not read it): see the admin's Reconciliation runs"
  namespace           = var.metrics_namespace
  metric_name         = "ReconciliationFindings"
  statistic           = "Maximum"
  period              = 3600
  evaluation_periods  = 1
  datapoints_to_alarm = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  # The metric is published once a day: no datapoint in an hour is the normal state.
  treat_missing_data = "notBreaching"
  alarm_actions      = [aws_sns_topic.alarms.arn]
  ok_actions         = [aws_sns_topic.alarms.arn]
  tags               = var.tags
}
