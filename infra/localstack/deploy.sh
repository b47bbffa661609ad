#!/bin/sh
# npm run deploy:local — deploys the SesameLocal stack to LocalStack (docker compose -f infra/localstack/docker-compose.yml up -d).
# cdklocal (aws-cdk-local) points the pinned CDK CLI at AWS_ENDPOINT_URL; LocalStack accepts any credentials.
set -eu
export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-http://localhost:4566}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_DEFAULT_REGION="$AWS_REGION"
export CDK_DEFAULT_ACCOUNT="${CDK_DEFAULT_ACCOUNT:-000000000000}"
export CDK_DEFAULT_REGION="$AWS_REGION"

curl -fsS "$AWS_ENDPOINT_URL/_localstack/health" >/dev/null || {
  echo "LocalStack is not answering at $AWS_ENDPOINT_URL (start it: docker compose -f infra/localstack/docker-compose.yml up -d)" >&2
  exit 1
}
cdklocal bootstrap "aws://$CDK_DEFAULT_ACCOUNT/$AWS_REGION"
cdklocal deploy SesameLocal --require-approval never --outputs-file cdk.out/local-outputs.json "$@"
echo "Issuer and API id: cdk.out/local-outputs.json"
