// The Event Grid system topic on the storage account. The subscription that feeds BlobIngest needs the function
// app's blobs_extension system key, which exists only after deployment: the postdeploy hook creates it.
param name string
param location string
param tags object
param storageName string

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageName
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = topic.name
