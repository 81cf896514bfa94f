// Data-plane roles for one principal (the app's identity or the deploying user) on the resources it uses.
param principalId string

@allowed(['ServicePrincipal', 'User'])
param principalType string

param storageName string
param applicationInsightsName string
param searchName string = ''
param serviceBusName string = ''
param registryName string = ''

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  searchIndexDataContributor: '8ebe5a00-799e-43f5-93ac-243d3dce84a7'
  searchServiceContributor: '7ca78c08-252a-4471-8644-bb5ff32d4ba0'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
}

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageName
}

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource search 'Microsoft.Search/searchServices@2025-05-01' existing = if (!empty(searchName)) {
  name: searchName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2026-01-01' existing = if (!empty(serviceBusName)) {
  name: serviceBusName
}

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' existing = if (!empty(registryName)) {
  name: registryName
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
  name: guid(storage.id, principalId, role)
  scope: storage
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, principalId, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

// The sink creates or updates its index (Search Service Contributor) and writes documents (Search Index Data Contributor).
resource searchRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in (empty(searchName) ? [] : [roles.searchIndexDataContributor, roles.searchServiceContributor]): {
  name: guid(search.id, principalId, role)
  scope: search
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource serviceBusSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(serviceBusName)) {
  name: guid(serviceBus.id, principalId, roles.serviceBusDataSender)
  scope: serviceBus
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
  }
}

resource registryPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(registryName) && principalType == 'ServicePrincipal') {
  name: guid(registry.id, principalId, roles.acrPull)
  scope: registry
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
  }
}
