variable "name" {
  type        = string
  description = "Environment name prefix, e.g. agora-prod (used in descriptions)."
}

variable "secret_prefix" {
  type        = string
  description = "Secrets Manager name prefix of the environment, e.g. agora/prod."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key encrypting the secrets."
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
