# Search runs on Elastic Cloud (Elasticsearch proper), not provisioned here.
# Why not Amazon OpenSearch Service: the official Python `elasticsearch` client
# (8.x, used through elasticsearch-dsl) checks the server's product header and
# refuses to talk to OpenSearch, and the app's mapping/suggester code targets
# Elasticsearch 8. So this module only creates the secrets the tasks read; ops
# put the deployment's endpoint and an API key into them (see infra/README.md).
# Until they do, SEARCH_BACKEND stays "postgres" and search uses PostgreSQL FTS.

locals {
  secrets = {
    ELASTICSEARCH_URL = {
      description = "Elastic Cloud HTTPS endpoint, e.g. https://<deployment>.es.<region>.aws.elastic-cloud.com"
      # URL-shaped so settings parse it; .invalid never resolves.
      placeholder = "https://elasticsearch-not-configured.invalid:443"
    }
    ELASTICSEARCH_API_KEY = {
      description = "Elastic Cloud API key (base64 id:key) restricted to the agora-* indices"
      placeholder = "not-configured"
    }
  }
}

resource "aws_secretsmanager_secret" "this" {
  for_each = local.secrets

  #checkov:skip=CKV2_AWS_57:Issued by Elastic Cloud, which cannot be driven by a Secrets Manager rotation Lambda; rotated by hand (README) before the key expires.
  name        = "${var.secret_prefix}/${each.key}"
  description = "${each.value.description} (${var.name})"
  kms_key_id  = var.kms_key_arn
  tags        = var.tags
}

# A placeholder value so the secret exists and tasks can start; the real value
# is written out of band and Terraform never overwrites it.
resource "aws_secretsmanager_secret_version" "placeholder" {
  for_each = local.secrets

  secret_id     = aws_secretsmanager_secret.this[each.key].id
  secret_string = each.value.placeholder

  lifecycle {
    ignore_changes = [secret_string]
  }
}
