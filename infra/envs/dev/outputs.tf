output "alb_dns_name" {
  description = "Point the site's DNS (alias/CNAME) here."
  value       = module.alb.alb_dns_name
}

output "ecs_cluster_name" {
  description = "ECS cluster (agora-<env>) for aws ecs commands."
  value       = module.ecs.cluster_name
}

output "ecr_repository_url" {
  description = "Where CD pushes the image for this environment."
  value       = module.ecr.repository_url
}

output "private_subnet_ids" {
  description = "Subnets for one-off tasks (aws ecs run-task --network-configuration)."
  value       = module.network.private_subnet_ids
}

output "tasks_security_group_id" {
  description = "Security group for one-off tasks (aws ecs run-task --network-configuration)."
  value       = module.ecs.tasks_security_group_id
}

output "media_cdn_domain" {
  description = "CloudFront domain serving media."
  value       = module.storage.media_cdn_domain
}

output "alarm_topic_arn" {
  description = "SNS topic of the environment's alarms."
  value       = module.alarms.sns_topic_arn
}
