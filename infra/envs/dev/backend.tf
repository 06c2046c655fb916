# Each environment lives in its own AWS account, so its state lives there too: a bucket of its
# own (created once per account, see infra/README.md), its own key, and S3-native locking
# (use_lockfile, Terraform >= 1.10). No shared bucket means no cross-account access to state,
# which holds every secret Terraform generated.
terraform {
  backend "s3" {
    bucket       = "agora-terraform-state-dev"
    key          = "agora/dev/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
