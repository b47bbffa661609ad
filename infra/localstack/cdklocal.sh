#!/bin/sh
# Runs the project's pinned CDK CLI through cdklocal (aws-cdk-local) against LocalStack, with
# `-c sesame:local=true` (which adds the SesameLocal stack), e.g.
#   sh infra/localstack/cdklocal.sh synth SesameLocal
#
# aws-cdk-local 3 (with CDK CLI >= 2.177) refuses AWS_ENDPOINT_URL without AWS_ENDPOINT_URL_S3, and
# removes every other AWS_* variable not named in AWS_ENVAR_ALLOWLIST before the CLI starts. So:
# - AWS_ENDPOINT_URL_S3 is set with AWS_ENDPOINT_URL (an `s3.` host LocalStack answers for S3);
# - only the region is let through; credentials, profiles and session tokens of the shell are dropped
#   here and by cdklocal, which then uses LocalStack's test credentials (account 000000000000), so a
#   shell logged in to a real account cannot reach it through this script.
set -eu

: "${AWS_ENDPOINT_URL:=http://localhost:4566}"
if [ -z "${AWS_ENDPOINT_URL_S3:-}" ]; then
  case "$AWS_ENDPOINT_URL" in
    http://localhost:4566 | http://127.0.0.1:4566 | http://localhost.localstack.cloud:4566)
      # *.localhost.localstack.cloud resolves to 127.0.0.1, so S3 gets a host name of its own.
      AWS_ENDPOINT_URL_S3=http://s3.localhost.localstack.cloud:4566
      ;;
    *)
      echo "AWS_ENDPOINT_URL is $AWS_ENDPOINT_URL: set AWS_ENDPOINT_URL_S3 too (S3 of that LocalStack under an s3. host name)" >&2
      exit 2
      ;;
  esac
fi
AWS_REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}"
AWS_DEFAULT_REGION="$AWS_REGION"
export AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_REGION AWS_DEFAULT_REGION
export AWS_ENVAR_ALLOWLIST=AWS_REGION,AWS_DEFAULT_REGION
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
export CDK_DEFAULT_ACCOUNT=000000000000
export CDK_DEFAULT_REGION="$AWS_REGION"

exec cdklocal "$@" -c sesame:local=true
