output "sns_topic_arn" {
  description = "SNS topic every alarm notifies."
  value       = aws_sns_topic.alarms.arn
}

output "deployment_alarm_names" {
  description = "Alarms that roll an ECS web deployment back (the critical 5xx rate)."
  value       = [aws_cloudwatch_metric_alarm.alb_5xx_rate["critical"].alarm_name]
}
