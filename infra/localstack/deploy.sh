#!/bin/sh
# npm run deploy:local — deploys the SesameLocal stack (the LocalStack Community profile,
# infra/stacks/localstack.ts) to the LocalStack of
#   docker compose -f infra/localstack/docker-compose.yml up -d
# Extra arguments go to `cdk deploy`. The environment handling is in cdklocal.sh.
set -eu
here=$(dirname "$0")
endpoint="${AWS_ENDPOINT_URL:-http://localhost:4566}"
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}"

curl -fsS "$endpoint/_localstack/health" >/dev/null || {
  echo "LocalStack is not answering at $endpoint (start it: docker compose -f infra/localstack/docker-compose.yml up -d)" >&2
  exit 1
}
mkdir -p cdk.out
sh "$here/cdklocal.sh" bootstrap "aws://000000000000/$region"
sh "$here/cdklocal.sh" deploy SesameLocal --require-approval never --outputs-file cdk.out/local-outputs.json "$@"
echo "Issuer and API id: cdk.out/local-outputs.json; mail: http://127.0.0.1:8025"
