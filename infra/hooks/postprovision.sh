#!/bin/sh
# Uploads a local model directory to the models container so the app can load it (Jasper__Model__Blob).
# Flex Consumption instances have 4,096 MB, which fits the int8 model; the GPU target runs fp16. Make the directory with
#   dotnet run --project core/Jasper.Cli -- model pull --precision int8 --output models/jasper   (fp16 for the GPU)
# or point JASPER_MODEL_DIR at one. azd runs this from the repository root.
set -eu
case "${AZURE_COMPUTE_TARGET:-flex}" in
  flex) precision=int8 ;;
  *) precision=fp16 ;;
esac
dir="${JASPER_MODEL_DIR:-models/jasper}"
if [ ! -f "$dir/jasper-model.json" ]; then
  echo "No model directory at $dir; skipping the upload."
  echo "Create one with: dotnet run --project core/Jasper.Cli -- model pull --precision $precision --output $dir, then run: azd hooks run postprovision"
  exit 0
fi
actual=$(sed -n 's/^ *"precision": *"\([a-z0-9]*\)".*/\1/p' "$dir/jasper-model.json" | head -n 1)
if [ "$actual" != "$precision" ]; then
  echo "Warning: $dir holds the $actual model; the ${AZURE_COMPUTE_TARGET:-flex} target is sized for $precision (see the README's deployment section)." >&2
fi
echo "Uploading $dir to $AZURE_STORAGE_ACCOUNT_NAME/$AZURE_MODEL_CONTAINER/$AZURE_MODEL_PREFIX ..."
# The role assignments provisioning just made can take minutes to reach the data plane: retry while refused.
delay="${JASPER_HOOK_RETRY_SECONDS:-15}"
attempt=1
until az storage blob upload-batch --auth-mode login --overwrite true \
    --account-name "$AZURE_STORAGE_ACCOUNT_NAME" --destination "$AZURE_MODEL_CONTAINER" \
    --destination-path "$AZURE_MODEL_PREFIX" --source "$dir" --pattern '*' --output none; do
  if [ "$attempt" -ge 8 ]; then
    echo "The upload still failed after $attempt attempts; check your Storage Blob Data Contributor role, then run: azd hooks run postprovision" >&2
    exit 1
  fi
  echo "The upload was refused (a new role assignment may still be propagating); retrying in ${delay}s (attempt $attempt) ..."
  sleep "$delay"
  attempt=$((attempt + 1))
done
