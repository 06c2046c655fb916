output "cluster_name" {
  description = "Name of the ECS cluster (agora-<env>)."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "service_names" {
  description = "ECS service names by role."
  value = {
    web    = aws_ecs_service.web.name
    worker = aws_ecs_service.worker.name
    beat   = aws_ecs_service.beat.name
  }
}

output "task_definition_families" {
  description = "Task definition family by role (management is the one-off task ops and CD run)."
  value       = { for k, td in aws_ecs_task_definition.this : k => td.family }
}

output "tasks_security_group_id" {
  description = "Security group of the tasks; the database and cache admit it."
  value       = aws_security_group.tasks.id
}

output "execution_role_arn" {
  description = "ARN of the task execution role (CD passes it when registering revisions)."
  value       = aws_iam_role.execution.arn
}

output "task_role_arn" {
  description = "ARN of the application task role."
  value       = aws_iam_role.task.arn
}
