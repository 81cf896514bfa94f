# Uploads a local model directory to the models container so the app can load it (Jasper__Model__Blob).
# Flex Consumption instances have 4,096 MB, which fits the int8 model; the GPU target runs fp16. Make the directory with
#   dotnet run --project core/Jasper.Cli -- model pull --precision int8 --output models/jasper   (fp16 for the GPU)
# or point JASPER_MODEL_DIR at one. azd runs this from the repository root.
$ErrorActionPreference = 'Stop'
$target = if ($env:AZURE_COMPUTE_TARGET) { $env:AZURE_COMPUTE_TARGET } else { 'flex' }
$precision = if ($target -eq 'flex') { 'int8' } else { 'fp16' }
$dir = if ($env:JASPER_MODEL_DIR) { $env:JASPER_MODEL_DIR } else { 'models/jasper' }
if (-not (Test-Path (Join-Path $dir 'jasper-model.json'))) {
    Write-Host "No model directory at $dir; skipping the upload."
    Write-Host "Create one with: dotnet run --project core/Jasper.Cli -- model pull --precision $precision --output $dir, then run: azd hooks run postprovision"
    exit 0
}
$actual = (Get-Content -Raw (Join-Path $dir 'jasper-model.json') | ConvertFrom-Json).precision
if ($actual -ne $precision) {
    Write-Warning "$dir holds the $actual model; the $target target is sized for $precision (see the README's deployment section)."
}
Write-Host "Uploading $dir to $env:AZURE_STORAGE_ACCOUNT_NAME/$env:AZURE_MODEL_CONTAINER/$env:AZURE_MODEL_PREFIX ..."
# The role assignments provisioning just made can take minutes to reach the data plane: retry while refused.
$delay = if ($env:JASPER_HOOK_RETRY_SECONDS) { [int]$env:JASPER_HOOK_RETRY_SECONDS } else { 15 }
foreach ($attempt in 1..8) {
    az storage blob upload-batch --auth-mode login --overwrite true `
        --account-name $env:AZURE_STORAGE_ACCOUNT_NAME --destination $env:AZURE_MODEL_CONTAINER `
        --destination-path $env:AZURE_MODEL_PREFIX --source $dir --pattern '*' --output none
    if ($LASTEXITCODE -eq 0) { exit 0 }
    if ($attempt -eq 8) { break }
    Write-Host "The upload was refused (a new role assignment may still be propagating); retrying in ${delay}s (attempt $attempt) ..."
    Start-Sleep -Seconds $delay
}
Write-Error "The upload still failed after 8 attempts; check your Storage Blob Data Contributor role, then run: azd hooks run postprovision"
exit 1
