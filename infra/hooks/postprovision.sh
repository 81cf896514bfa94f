#!/bin/sh
# Uploads a local model directory to the models container so the app can load it (Jasper__Model__Blob).
# The directory comes from `jasper model pull --output models/jasper` (or set JASPER_MODEL_DIR).
set -eu
dir="${JASPER_MODEL_DIR:-models/jasper}"
if [ ! -f "$dir/jasper-model.json" ]; then
  echo "No model directory at $dir; skipping the upload."
  echo "Create one with: dotnet run --project core/Jasper.Cli -- model pull --output $dir, then run: azd hooks run postprovision"
  exit 0
fi
echo "Uploading $dir to $AZURE_STORAGE_ACCOUNT_NAME/$AZURE_MODEL_CONTAINER/$AZURE_MODEL_PREFIX ..."
az storage blob upload-batch --auth-mode login --overwrite true \
  --account-name "$AZURE_STORAGE_ACCOUNT_NAME" --destination "$AZURE_MODEL_CONTAINER" \
  --destination-path "$AZURE_MODEL_PREFIX" --source "$dir" --pattern '*' --output none
