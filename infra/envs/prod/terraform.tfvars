# Placeholders marked REPLACE are account-specific and set when the account is bootstrapped.
environment        = "prod"
aws_region         = "eu-west-1"
vpc_cidr_block     = "10.30.0.0/16"
availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
single_nat_gateway = false

certificate_arn = "arn:aws:acm:eu-west-1:000000000000:certificate/REPLACE-prod"
domain_names    = ["agora.example.com", "www.agora.example.com"]

alb_deletion_protection = true
force_destroy_buckets   = false
log_retention_days      = 90

db_instance_class        = "db.r6g.large"
db_multi_az              = true
db_backup_retention_days = 14
db_deletion_protection   = true
db_max_connections       = 1700

redis_node_type                 = "cache.r7g.large"
redis_num_cache_clusters        = 2
redis_broker_node_type          = "cache.t4g.medium"
redis_broker_num_cache_clusters = 2

search_index_replicas = 1
search_backend        = "elasticsearch"
default_from_email    = "Agora <no-reply@agora.example.com>"
# REPLACE with the Stripe account's publishable key (live mode); the tasks do not start without one.
stripe_publishable_key = "pk_live_REPLACE"
# REPLACE with the on-call list; production refuses to apply without one.
alarm_emails = ["ops-alerts@agora.example.com"]
# REPLACE with the staff who settle disputed returns and chase late sub-orders; production
# refuses to apply without one.
staff_notification_emails = ["support@agora.example.com"]
