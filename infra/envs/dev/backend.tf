# State per environment under its own key; S3-native locking (use_lockfile,
# Terraform >= 1.10) replaces the DynamoDB lock table.
terraform {
  backend "s3" {
    bucket       = "agora-terraform-state"
    key          = "agora/dev/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
