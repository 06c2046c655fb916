# Placeholders marked REPLACE are account-specific and set when the account is bootstrapped.
environment        = "dev"
aws_region         = "eu-west-1"
vpc_cidr_block     = "10.10.0.0/16"
availability_zones = ["eu-west-1a", "eu-west-1b"]
single_nat_gateway = true

certificate_arn = "arn:aws:acm:eu-west-1:000000000000:certificate/REPLACE-dev"
domain_names    = ["dev.agora.example.com"]

alb_deletion_protection = false
force_destroy_buckets   = true
log_retention_days      = 14

db_instance_class        = "db.t4g.small"
db_multi_az              = false
db_backup_retention_days = 7
db_deletion_protection   = false
db_max_connections       = 180

redis_node_type                 = "cache.t4g.micro"
redis_num_cache_clusters        = 1
redis_broker_node_type          = "cache.t4g.micro"
redis_broker_num_cache_clusters = 1

search_index_replicas = 0
search_backend        = "postgres"
default_from_email    = "Agora Dev <no-reply@dev.agora.example.com>"
# REPLACE with the Stripe account's publishable key (test mode); the tasks do not start without one.
stripe_publishable_key = "pk_test_REPLACE"
# REPLACE: staff emailed about disputed returns and late sub-orders (empty: nobody, and
# `manage.py check --deploy` warns).
staff_notification_emails = ["support@dev.agora.example.com"]
