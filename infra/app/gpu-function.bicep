// The GPU target: Azure Functions on Azure Container Apps (kind functionapp) on a serverless GPU workload profile
// (T4 or A100), running the CUDA build of ONNX Runtime from the image functions/Dockerfile builds, pulled from a
// private registry with the app's identity.
param name string
param environmentName string
param registryName string
param location string
param tags object
param identityId string
param identityClientId string
param logAnalyticsId string
param maximumInstanceCount int

@allowed(['T4', 'A100'])
param gpu string

@description('App settings shared by both targets (identity-based connections and Jasper options).')
param appSettings object

@description('The image azd last deployed (SERVICE_FUNCTIONS_GPU_IMAGE_NAME), so that a later `azd provision` keeps it; empty before the first deploy.')
param imageName string = ''

var profile = gpu == 'T4'
  ? { type: 'Consumption-GPU-NC8as-T4', cpu: 8, memory: '56Gi' }
  : { type: 'Consumption-GPU-NC24-A100', cpu: 24, memory: '220Gi' }

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' = {
  name: registryName
  location: location
  tags: tags
  sku: { name: 'Basic' }
  properties: {
    adminUserEnabled: false
    anonymousPullEnabled: false
  }
}

resource environment 'Microsoft.App/managedEnvironments@2025-07-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: { destination: 'azure-monitor' }
    workloadProfiles: [
      { name: 'Consumption', workloadProfileType: 'Consumption' }
      { name: 'gpu', workloadProfileType: profile.type }
    ]
  }
}

resource logs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs'
  scope: environment
  properties: {
    workspaceId: logAnalyticsId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
  }
}

resource app 'Microsoft.App/containerApps@2025-07-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'functions-gpu' })
  kind: 'functionapp'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'gpu'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: { external: true, targetPort: 80, transport: 'auto' }
      registries: [{ server: registry.properties.loginServer, identity: identityId }]
    }
    template: {
      containers: [
        {
          name: 'functions'
          // Before the first `azd deploy` a base image holds the place; azd then deploys the image it builds from
          // functions/Dockerfile and records it in SERVICE_FUNCTIONS_GPU_IMAGE_NAME, which later provisions keep.
          image: empty(imageName) ? 'mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated10.0' : imageName
          resources: { cpu: profile.cpu, memory: profile.memory }
          // Host keys live in blob storage: replicas scale to zero, and the Event Grid webhook's blobs_extension key
          // must survive them.
          env: [for setting in items(union(appSettings, { AZURE_CLIENT_ID: identityClientId, Jasper__Model__Encoder__Device: 'cuda', AzureWebJobsSecretStorageType: 'blob' })): {
            name: setting.key
            value: setting.value
          }]
        }
      ]
      scale: { minReplicas: 0, maxReplicas: maximumInstanceCount }
    }
  }
}

output name string = app.name
output defaultHostName string = app.properties.configuration.ingress.fqdn
output registryName string = registry.name
output registryEndpoint string = registry.properties.loginServer
