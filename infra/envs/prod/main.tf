# Thin root: wires the modules together for one environment. Everything that
# differs between environments is in terraform.tfvars.
terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = local.tags
  }
}

locals {
  name          = "agora-${var.environment}"
  secret_prefix = "agora/${var.environment}"
  tags = {
    Project     = "agora"
    Environment = var.environment
    ManagedBy   = "terraform"
  }
  https_origins = [for d in var.domain_names : "https://${d}"]
}

module "kms" {
  source = "../../modules/kms"

  name = local.name
}

module "network" {
  source = "../../modules/network"

  name               = local.name
  cidr_block         = var.vpc_cidr_block
  availability_zones = var.availability_zones
  single_nat_gateway = var.single_nat_gateway
  log_retention_days = var.log_retention_days
  kms_key_arn        = module.kms.key_arn
}

module "storage" {
  source = "../../modules/storage"

  name          = local.name
  force_destroy = var.force_destroy_buckets
}

module "ecr" {
  source = "../../modules/ecr"

  name        = "agora"
  kms_key_arn = module.kms.key_arn
}

module "alb" {
  source = "../../modules/alb"

  name                = local.name
  vpc_id              = module.network.vpc_id
  vpc_cidr_block      = module.network.vpc_cidr_block
  public_subnet_ids   = module.network.public_subnet_ids
  certificate_arn     = var.certificate_arn
  access_logs_bucket  = module.storage.logs_bucket_name
  deletion_protection = var.alb_deletion_protection
  log_retention_days  = var.log_retention_days
  kms_key_arn         = module.kms.key_arn
}

module "database" {
  source = "../../modules/database"

  name                      = local.name
  secret_prefix             = local.secret_prefix
  vpc_id                    = module.network.vpc_id
  private_subnet_ids        = module.network.private_subnet_ids
  client_security_group_ids = [module.ecs.tasks_security_group_id]
  kms_key_arn               = module.kms.key_arn
  instance_class            = var.db_instance_class
  multi_az                  = var.db_multi_az
  backup_retention_days     = var.db_backup_retention_days
  deletion_protection       = var.db_deletion_protection
  log_retention_days        = var.log_retention_days
}

module "cache" {
  source = "../../modules/cache"

  name                      = local.name
  secret_prefix             = local.secret_prefix
  vpc_id                    = module.network.vpc_id
  private_subnet_ids        = module.network.private_subnet_ids
  client_security_group_ids = [module.ecs.tasks_security_group_id]
  kms_key_arn               = module.kms.key_arn
  node_type                 = var.redis_node_type
  num_cache_clusters        = var.redis_num_cache_clusters
  broker_node_type          = var.redis_broker_node_type
  broker_num_cache_clusters = var.redis_broker_num_cache_clusters
  log_retention_days        = var.log_retention_days
}

module "search" {
  source = "../../modules/search"

  name          = local.name
  secret_prefix = local.secret_prefix
  kms_key_arn   = module.kms.key_arn
}

# The image CD deployed last, recorded by .github/workflows/deploy.yml after its smoke test
# passed. Task definition revisions Terraform registers run exactly that image (by digest), so
# a Terraform change never points a service or `run-task` at an image that does not exist.
# Bootstrapping writes the first value (infra/README.md).
data "aws_ssm_parameter" "deployed_image_digest" {
  name = "/agora/${var.environment}/deployed/image-digest"
}

module "ecs" {
  source = "../../modules/ecs"

  name          = local.name
  secret_prefix = local.secret_prefix
  # The one image all four task definitions run; CD registers newer revisions.
  image              = "${module.ecr.repository_url}@${data.aws_ssm_parameter.deployed_image_digest.insecure_value}"
  vpc_id             = module.network.vpc_id
  vpc_cidr_block     = module.network.vpc_cidr_block
  private_subnet_ids = module.network.private_subnet_ids

  deployment_alarm_names  = module.alarms.deployment_alarm_names
  deployment_environment  = var.environment
  sentry_dsn              = var.sentry_dsn
  alb_security_group_id   = module.alb.security_group_id
  target_group_arn        = module.alb.target_group_arn
  alb_arn_suffix          = module.alb.alb_arn_suffix
  target_group_arn_suffix = module.alb.target_group_arn_suffix

  ecr_repository_arn = module.ecr.repository_arn
  kms_key_arn        = module.kms.key_arn
  media_bucket_name  = module.storage.media_bucket_name
  media_bucket_arn   = module.storage.media_bucket_arn
  media_kms_key_arn  = module.storage.media_kms_key_arn
  log_retention_days = var.log_retention_days

  secret_arns = merge(
    {
      DATABASE_URL      = module.database.database_url_secret_arn
      REDIS_URL         = module.cache.redis_url_secret_arn
      CELERY_BROKER_URL = module.cache.broker_url_secret_arn
    },
    module.search.secret_arns,
  )
  # Migrations run as the owner; the application role they keep in step is named by APP_DATABASE_URL.
  management_secret_arns = {
    DATABASE_URL     = module.database.owner_database_url_secret_arn
    APP_DATABASE_URL = module.database.database_url_secret_arn
  }

  environment = {
    DJANGO_ALLOWED_HOSTS   = join(",", var.domain_names)
    CSRF_TRUSTED_ORIGINS   = join(",", local.https_origins)
    CORS_ALLOWED_ORIGINS   = join(",", local.https_origins)
    SEARCH_BACKEND         = var.search_backend
    AWS_S3_CUSTOM_DOMAIN   = module.storage.media_cdn_domain
    STRIPE_PUBLISHABLE_KEY = var.stripe_publishable_key
    DEFAULT_FROM_EMAIL     = var.default_from_email
    # Who is emailed about disputed returns and late sub-orders (the app's default is nobody).
    STAFF_NOTIFICATION_EMAILS = join(",", var.staff_notification_emails)
    # Card payments through Stripe only: the dummy gateway pays any token (the app refuses to
    # start in production while it is offered). The keys are secrets of the ecs module.
    PAYMENT_GATEWAY = "stripe"
    PAYMENT_METHODS = "stripe"
    # Links in emails (password reset, verification, data export) point at the storefront.
    SITE_URL = local.https_origins[0]
    # Networks allowed to reach /admin/ (empty: anywhere; the lockout and 2FA still apply).
    ADMIN_ALLOWED_NETWORKS       = join(",", var.admin_allowed_cidrs)
    ELASTICSEARCH_INDEX_REPLICAS = tostring(var.search_index_replicas)
    # seed_demo creates logins with published passwords: dev and staging only.
    DEMO_DATA_ALLOWED = tostring(var.environment != "prod")
    # Vendor payouts through Stripe Connect (the dummy provider pays nobody; the app refuses it in
    # production). STRIPE_CONNECT_WEBHOOK_SECRET is a secret of the ecs module.
    PAYOUT_PROVIDER = "stripe"
  }
}

module "alarms" {
  source = "../../modules/alarms"

  name                     = local.name
  kms_key_arn              = module.kms.key_arn
  alarm_emails             = var.alarm_emails
  alb_arn_suffix           = module.alb.alb_arn_suffix
  ecs_cluster_name         = module.ecs.cluster_name
  beat_service_name        = module.ecs.service_names["beat"]
  broker_cache_cluster_ids = module.cache.broker_cache_cluster_ids
  db_instance_identifier   = module.database.instance_identifier
  db_max_connections       = var.db_max_connections
}
