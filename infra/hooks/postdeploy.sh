#!/bin/sh
# Creates the Event Grid subscription that delivers BlobCreated events from the documents container to BlobIngest.
# Its webhook needs the blobs_extension system key, which the host creates once it runs with the blob trigger; this
# wakes the app (both targets scale to zero) and waits for the key. azd runs this from the repository root.
set -eu
delay="${JASPER_HOOK_RETRY_SECONDS:-10}"
if [ "$AZURE_COMPUTE_TARGET" != "flex" ]; then
  # `az containerapp function keys` lives in the containerapp extension: install or update it without a prompt.
  az extension add --name containerapp --upgrade --yes --output none
fi
key=""
for attempt in 1 2 3 4 5 6 7 8 9 10 11 12; do
  # A request starts a replica (the keys exist only once the host has run) and keeps it up while we ask.
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 120 "https://$AZURE_FUNCTION_APP_HOSTNAME/api/health" || true
  fi
  if [ "$AZURE_COMPUTE_TARGET" = "flex" ]; then
    # {"functionKeys": {...}, "masterKey": "...", "systemKeys": {"blobs_extension": "..."}}
    key=$(az functionapp keys list -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" \
      --query "systemKeys.blobs_extension" -o tsv 2>/dev/null || true)
  else
    # {"value": {"keys": [{"name": "blobs_extension", "value": "..."}, ...]}}
    key=$(az containerapp function keys list -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" --key-type systemKey \
      --query "value.keys[?name=='blobs_extension'].value | [0]" -o tsv 2>/dev/null || true)
  fi
  [ -n "$key" ] && break
  echo "Waiting for the blobs_extension key (attempt $attempt) ..."
  sleep "$delay"
done
if [ -z "$key" ]; then
  echo "The app has no blobs_extension key yet; open https://$AZURE_FUNCTION_APP_HOSTNAME/api/health, then run: azd hooks run postdeploy" >&2
  exit 1
fi
endpoint="https://$AZURE_FUNCTION_APP_HOSTNAME/runtime/webhooks/blobs?functionName=Host.Functions.BlobIngest&code=$key"
az eventgrid system-topic event-subscription create --name blob-ingest \
  --resource-group "$AZURE_RESOURCE_GROUP" --system-topic-name "$AZURE_EVENTGRID_SYSTEM_TOPIC" \
  --endpoint-type webhook --endpoint "$endpoint" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with /blobServices/default/containers/documents/ --output none
echo "BlobIngest now receives uploads to the documents container."
