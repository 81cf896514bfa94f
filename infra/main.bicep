// Jasper.Serverless on Azure: `azd up` provisions everything here. Every connection uses the app's user-assigned
// managed identity; no keys or connection secrets exist anywhere.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds resource names.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@description('Object id of the deploying user or principal, granted the same data roles as the app (azd sets it).')
param principalId string = ''

@allowed(['User', 'ServicePrincipal'])
@description('Kind of principalId.')
param principalType string = 'User'

@allowed(['flex', 'containerapps-gpu'])
@description('flex: Flex Consumption, CPU (default). containerapps-gpu: Functions on Container Apps with a serverless GPU.')
param computeTarget string = 'flex'

@allowed(['T4', 'A100'])
@description('GPU of the containerapps-gpu target.')
param gpu string = 'T4'

@minValue(1)
@maxValue(1000)
@description('Most instances the app scales out to.')
param maximumInstanceCount int = 40

@description('Also provision Azure AI Search and write vectors there instead of the vectors container.')
param enableSearch bool = false

@description('Also provision a Service Bus namespace and topic for DocumentEmbedded and DocumentRemoved events.')
param enableServiceBus bool = false

@description('Where the model directory lives in the models container (the postprovision hook uploads it there).')
param modelBlobPrefix string = 'jasper'

@description('Compression ratios of the policy by priority (strings, as app settings are).')
param compressionRatios object = { high: '0.5', normal: '0.33', low: '0.2' }

@minValue(1)
@description('Chunks per work item.')
param partSize int = 32

@description('The GPU app\'s image from the last `azd deploy` (azd sets SERVICE_FUNCTIONS_GPU_IMAGE_NAME); empty before the first.')
param gpuImageName string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var deploymentContainer = 'app-package-${resourceToken}'
var eventTopicName = 'document-embedded'

resource group 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'core/identity.bicep' = {
  name: 'identity'
  scope: group
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage.bicep' = {
  name: 'storage'
  scope: group
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainer: deploymentContainer
  }
}

module monitoring 'core/monitoring.bicep' = {
  name: 'monitoring'
  scope: group
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module search 'core/search.bicep' = if (enableSearch) {
  name: 'search'
  scope: group
  params: {
    name: '${abbrs.searchSearchServices}${resourceToken}'
    location: location
    tags: tags
  }
}

module serviceBus 'core/servicebus.bicep' = if (enableServiceBus) {
  name: 'servicebus'
  scope: group
  params: {
    name: '${abbrs.serviceBusNamespaces}${resourceToken}'
    location: location
    tags: tags
    topicName: eventTopicName
  }
}

module eventGrid 'app/event-grid.bicep' = {
  name: 'event-grid'
  scope: group
  params: {
    name: '${abbrs.eventGridSystemTopics}${resourceToken}'
    location: location
    tags: tags
    storageName: storage.outputs.name
    deletionQueue: storage.outputs.deletionQueue
  }
}

// Everything the app reads: identity-based storage (AzureWebJobsStorage__*), telemetry with the identity, and the
// Jasper options (see JasperOptions in core/Jasper.Azure/Hosting; a test checks every key binds to one).
var baseSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
  AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
  AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
  Jasper__Model__Blob: 'models/${modelBlobPrefix}'
  Jasper__Sink__Kind: enableSearch ? 'search' : 'blob'
  Jasper__Distribution__PartSize: string(partSize)
  Jasper__Distribution__MaxDequeueCount: '5'
  Jasper__Ingestion__Compression__High: compressionRatios.high
  Jasper__Ingestion__Compression__Normal: compressionRatios.normal
  Jasper__Ingestion__Compression__Low: compressionRatios.low
  Jasper__Api__MaxInputs: '2048'
  Jasper__Api__MaxTokensPerRequest: '300000'
}
var searchSettings = enableSearch ? { Jasper__Sink__SearchEndpoint: search.?outputs.endpoint ?? '', Jasper__Sink__SearchIndex: 'jasper' } : {}
var eventSettings = enableServiceBus ? { Jasper__Events__ServiceBusNamespace: serviceBus.?outputs.host ?? '', Jasper__Events__Topic: eventTopicName } : {}
var appSettings = union(baseSettings, searchSettings, eventSettings)

module flex 'app/flex-function.bicep' = if (computeTarget == 'flex') {
  name: 'flex-function'
  scope: group
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainer: deploymentContainer
    maximumInstanceCount: maximumInstanceCount
    appSettings: appSettings
  }
}

module gpuFunction 'app/gpu-function.bicep' = if (computeTarget == 'containerapps-gpu') {
  name: 'gpu-function'
  scope: group
  params: {
    name: '${abbrs.appContainerApps}${resourceToken}'
    environmentName: '${abbrs.appManagedEnvironments}${resourceToken}'
    registryName: '${abbrs.containerRegistryRegistries}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    logAnalyticsId: monitoring.outputs.logAnalyticsId
    maximumInstanceCount: maximumInstanceCount
    gpu: gpu
    appSettings: appSettings
    imageName: gpuImageName
  }
}

module appRoles 'core/roles.bicep' = {
  name: 'app-roles'
  scope: group
  params: {
    principalId: identity.outputs.principalId
    principalType: 'ServicePrincipal'
    storageName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    searchName: search.?outputs.name ?? ''
    serviceBusName: serviceBus.?outputs.name ?? ''
    registryName: gpuFunction.?outputs.registryName ?? ''
  }
}

module userRoles 'core/roles.bicep' = if (!empty(principalId)) {
  name: 'user-roles'
  scope: group
  params: {
    principalId: principalId
    principalType: principalType
    storageName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    searchName: search.?outputs.name ?? ''
    serviceBusName: serviceBus.?outputs.name ?? ''
  }
}

// What the hooks and the README use: names and endpoints only, nothing secret.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = group.name
output AZURE_COMPUTE_TARGET string = computeTarget
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_MODEL_CONTAINER string = 'models'
output AZURE_MODEL_PREFIX string = modelBlobPrefix
output AZURE_EVENTGRID_SYSTEM_TOPIC string = eventGrid.outputs.name
output AZURE_FUNCTION_APP_NAME string = flex.?outputs.name ?? gpuFunction.?outputs.name ?? ''
output AZURE_FUNCTION_APP_HOSTNAME string = flex.?outputs.defaultHostName ?? gpuFunction.?outputs.defaultHostName ?? ''
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = gpuFunction.?outputs.registryEndpoint ?? ''
output AZURE_SEARCH_ENDPOINT string = search.?outputs.endpoint ?? ''
output AZURE_SERVICEBUS_NAMESPACE string = serviceBus.?outputs.host ?? ''
output AZURE_IDENTITY_CLIENT_ID string = identity.outputs.clientId
