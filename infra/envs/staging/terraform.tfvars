# Placeholders marked REPLACE are account-specific and set when the account is bootstrapped.
environment        = "staging"
aws_region         = "eu-west-1"
vpc_cidr_block     = "10.20.0.0/16"
availability_zones = ["eu-west-1a", "eu-west-1b"]
single_nat_gateway = true

certificate_arn = "arn:aws:acm:eu-west-1:000000000000:certificate/REPLACE-staging"
domain_names    = ["staging.agora.example.com"]

alb_deletion_protection = true
force_destroy_buckets   = false
log_retention_days      = 30

db_instance_class        = "db.t4g.medium"
db_multi_az              = false
db_backup_retention_days = 7
db_deletion_protection   = true
db_max_connections       = 400

redis_node_type                 = "cache.t4g.small"
redis_num_cache_clusters        = 2
redis_broker_node_type          = "cache.t4g.small"
redis_broker_num_cache_clusters = 2

search_index_replicas = 1
search_backend        = "elasticsearch"
default_from_email    = "Agora Staging <no-reply@staging.agora.example.com>"
# REPLACE with the Stripe account's publishable key (test mode); the tasks do not start without one.
stripe_publishable_key = "pk_test_REPLACE"
# REPLACE: staff emailed about disputed returns and late sub-orders (empty: nobody, and
# `manage.py check --deploy` warns).
staff_notification_emails = ["support@staging.agora.example.com"]
