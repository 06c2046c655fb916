variable "name" {
  type        = string
  description = "Name prefix, e.g. agora-prod; the key alias becomes alias/<name>."
}

variable "deletion_window_in_days" {
  type        = number
  description = "Days a scheduled key deletion can still be cancelled (7-30)."
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
