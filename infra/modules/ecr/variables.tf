variable "name" {
  type        = string
  description = "Repository name, e.g. agora."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key encrypting the images."
}

variable "keep_images" {
  type        = number
  description = "How many most recent images the lifecycle policy keeps."
  default     = 50

  validation {
    condition     = var.keep_images >= 10
    error_message = "Keep at least 10 images so recent releases stay available for rollback."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
