// The CPU target: a Flex Consumption (FC1, Linux) function app, dotnet-isolated 10.0 on 4,096 MB instances, that
// reaches storage, monitoring, search and Service Bus only with its user-assigned identity.
param name string
param planName string
param location string
param tags object
param identityId string
param identityClientId string
param storageBlobEndpoint string
param deploymentContainer string
param maximumInstanceCount int

@description('App settings shared by both targets (identity-based connections and Jasper options).')
param appSettings object

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainer}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 4096
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    // Flex Consumption rejects or ignores most siteConfig settings of other plans (ftpsState, http20Enabled,
    // alwaysOn, linuxFxVersion, ...: ARM error 51021 in newer regions); set only what it documents.
    siteConfig: {
      minTlsVersion: '1.2'
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    // A 4,096-token inference budget keeps a worker's peak well under the instance's 4,096 MB: embedding a
    // 32-chunk part of 512-token chunks uncompressed peaked at 1.68 GiB with the int8 model (2.63 GiB at the CPU
    // default of 8,192), measured with `jasper embed` and /usr/bin/time (README, Deploy).
    properties: union(appSettings, { AZURE_CLIENT_ID: identityClientId, Jasper__Model__Encoder__Device: 'cpu', Jasper__Model__Encoder__BatchTokenBudget: '4096' })
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
