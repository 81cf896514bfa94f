# Creates the Event Grid subscription that delivers BlobCreated events from the documents container to BlobIngest.
# Its webhook needs the blobs_extension system key, which the host creates once it runs with the blob trigger; this
# wakes the app (both targets scale to zero) and waits for the key. azd runs this from the repository root.
$ErrorActionPreference = 'Stop'
$delay = if ($env:JASPER_HOOK_RETRY_SECONDS) { [int]$env:JASPER_HOOK_RETRY_SECONDS } else { 10 }
if ($env:AZURE_COMPUTE_TARGET -ne 'flex') {
    # `az containerapp function keys` lives in the containerapp extension: install or update it without a prompt.
    az extension add --name containerapp --upgrade --yes --output none
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}
$key = ''
foreach ($attempt in 1..12) {
    # A request starts a replica (the keys exist only once the host has run) and keeps it up while we ask.
    $curl = Get-Command curl -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($curl) { & $curl.Source -fsS --max-time 120 "https://$env:AZURE_FUNCTION_APP_HOSTNAME/api/health" 2>$null | Out-Null }
    if ($env:AZURE_COMPUTE_TARGET -eq 'flex') {
        $key = az functionapp keys list -g $env:AZURE_RESOURCE_GROUP -n $env:AZURE_FUNCTION_APP_NAME --query 'systemKeys.blobs_extension' -o tsv 2>$null
    } else {
        $key = az containerapp function keys list -g $env:AZURE_RESOURCE_GROUP -n $env:AZURE_FUNCTION_APP_NAME --key-type systemKey `
            --query "value.keys[?name=='blobs_extension'].value | [0]" -o tsv 2>$null
    }
    if ($key) { break }
    Write-Host "Waiting for the blobs_extension key (attempt $attempt) ..."
    Start-Sleep -Seconds $delay
}
if (-not $key) {
    Write-Error "The app has no blobs_extension key yet; open https://$env:AZURE_FUNCTION_APP_HOSTNAME/api/health, then run: azd hooks run postdeploy"
    exit 1
}
$endpoint = "https://$env:AZURE_FUNCTION_APP_HOSTNAME/runtime/webhooks/blobs?functionName=Host.Functions.BlobIngest&code=$key"
# On Windows az is az.cmd, and cmd.exe would cut the URL at '&' and run the rest as a command: quote it for cmd.
$endpointArgument = if ($IsWindows -or $env:OS -eq 'Windows_NT') { "`"$endpoint`"" } else { $endpoint }
az eventgrid system-topic event-subscription create --name blob-ingest `
    --resource-group $env:AZURE_RESOURCE_GROUP --system-topic-name $env:AZURE_EVENTGRID_SYSTEM_TOPIC `
    --endpoint-type webhook --endpoint $endpointArgument `
    --included-event-types Microsoft.Storage.BlobCreated `
    --subject-begins-with /blobServices/default/containers/documents/ --output none
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
Write-Host 'BlobIngest now receives uploads to the documents container.'
