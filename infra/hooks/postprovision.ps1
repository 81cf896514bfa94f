# Uploads a local model directory to the models container so the app can load it (Jasper__Model__Blob).
# The directory comes from `jasper model pull --output models/jasper` (or set JASPER_MODEL_DIR).
$ErrorActionPreference = 'Stop'
$dir = if ($env:JASPER_MODEL_DIR) { $env:JASPER_MODEL_DIR } else { 'models/jasper' }
if (-not (Test-Path (Join-Path $dir 'jasper-model.json'))) {
    Write-Host "No model directory at $dir; skipping the upload."
    Write-Host "Create one with: dotnet run --project core/Jasper.Cli -- model pull --output $dir, then run: azd hooks run postprovision"
    exit 0
}
Write-Host "Uploading $dir to $env:AZURE_STORAGE_ACCOUNT_NAME/$env:AZURE_MODEL_CONTAINER/$env:AZURE_MODEL_PREFIX ..."
az storage blob upload-batch --auth-mode login --overwrite true `
    --account-name $env:AZURE_STORAGE_ACCOUNT_NAME --destination $env:AZURE_MODEL_CONTAINER `
    --destination-path $env:AZURE_MODEL_PREFIX --source $dir --pattern '*' --output none
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
