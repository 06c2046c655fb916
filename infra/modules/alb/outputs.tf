output "alb_arn" {
  description = "ARN of the ALB."
  value       = aws_lb.this.arn
}

output "alb_arn_suffix" {
  description = "ARN suffix of the ALB, the LoadBalancer dimension of its CloudWatch metrics."
  value       = aws_lb.this.arn_suffix
}

output "alb_dns_name" {
  description = "DNS name of the ALB; point the site's record (alias) at it."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Hosted zone ID of the ALB, for Route 53 alias records."
  value       = aws_lb.this.zone_id
}

output "security_group_id" {
  description = "Security group of the ALB; web tasks admit traffic from it."
  value       = aws_security_group.alb.id
}

output "target_group_arn" {
  description = "ARN of the web target group."
  value       = aws_lb_target_group.web.arn
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the web target group, for ALBRequestCountPerTarget and metrics."
  value       = aws_lb_target_group.web.arn_suffix
}
