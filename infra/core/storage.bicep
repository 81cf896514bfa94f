// Storage for documents, work, vectors, models and the app package, locked to Microsoft Entra ID: no shared keys,
// no public blob access, TLS 1.2. The queues and the status table the app uses exist from the start.
param name string
param location string
param tags object
param deploymentContainer string

@description('Blob containers the system uses.')
param containers array = ['documents', 'vectors', 'work', 'models']

@description('Embedding queues, one per priority (their -poison queues appear on their own).')
param queues array = ['embed-high', 'embed-normal', 'embed-low']

@description('The queue Event Grid writes BlobDeleted events of the documents container to; the sweep reads it (DocumentRemoval.Queue).')
param deletionQueue string = 'documents-deleted'

@description('Table of document status.')
param statusTable string = 'jasperdocuments'

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [for container in union(containers, [deploymentContainer]): {
  parent: blobs
  name: container
  properties: { publicAccess: 'None' }
}]

resource queueServices 'Microsoft.Storage/storageAccounts/queueServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource workQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-01-01' = [for queue in union(queues, [deletionQueue]): {
  parent: queueServices
  name: queue
}]

resource tableServices 'Microsoft.Storage/storageAccounts/tableServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource table 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-01-01' = {
  parent: tableServices
  name: statusTable
}

output id string = storage.id
output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output deletionQueue string = deletionQueue
output tableEndpoint string = storage.properties.primaryEndpoints.table
