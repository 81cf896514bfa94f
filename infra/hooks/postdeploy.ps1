# Creates the Event Grid subscription that delivers BlobCreated events from the documents container to BlobIngest.
# Its webhook needs the blobs_extension system key, which the host creates once the app runs; this waits for it.
$ErrorActionPreference = 'Stop'
$key = ''
foreach ($attempt in 1..12) {
    if ($env:AZURE_COMPUTE_TARGET -eq 'flex') {
        $key = az functionapp keys list -g $env:AZURE_RESOURCE_GROUP -n $env:AZURE_FUNCTION_APP_NAME --query 'systemKeys.blobs_extension' -o tsv 2>$null
    } else {
        $key = az containerapp function keys list -g $env:AZURE_RESOURCE_GROUP -n $env:AZURE_FUNCTION_APP_NAME --key-type systemKey --query 'blobs_extension' -o tsv 2>$null
    }
    if ($key) { break }
    Write-Host "Waiting for the blobs_extension key (attempt $attempt) ..."
    Start-Sleep -Seconds 10
}
if (-not $key) {
    Write-Error "The app has no blobs_extension key yet; open https://$env:AZURE_FUNCTION_APP_HOSTNAME/api/health, then run: azd hooks run postdeploy"
    exit 1
}
$endpoint = "https://$env:AZURE_FUNCTION_APP_HOSTNAME/runtime/webhooks/blobs?functionName=Host.Functions.BlobIngest&code=$key"
az eventgrid system-topic event-subscription create --name blob-ingest `
    --resource-group $env:AZURE_RESOURCE_GROUP --system-topic-name $env:AZURE_EVENTGRID_SYSTEM_TOPIC `
    --endpoint-type webhook --endpoint $endpoint `
    --included-event-types Microsoft.Storage.BlobCreated `
    --subject-begins-with /blobServices/default/containers/documents/ --output none
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
Write-Host 'BlobIngest now receives uploads to the documents container.'
