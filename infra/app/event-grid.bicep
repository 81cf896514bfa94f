// The Event Grid system topic on the storage account, and what it sends:
// - BlobDeleted events of the documents container go to a storage queue, which the app's sweep drains to remove the
//   deleted documents. The topic delivers with its own identity (the account takes no keys), so this needs nothing
//   from the deployed app and is declared here.
// - BlobCreated events go to BlobIngest's webhook, which needs the function app's blobs_extension system key; that
//   key exists only after deployment, so the postdeploy hook creates that subscription.
param name string
param location string
param tags object
param storageName string

@description('The queue of BlobDeleted events (DocumentRemoval.Queue in the app).')
param deletionQueue string

@description('The container documents are uploaded to (the BlobIngest trigger).')
param documentsContainer string = 'documents'

// Storage Queue Data Message Sender: the topic may add messages to the account's queues, and nothing else.
var queueMessageSender = 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageName
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource topicSendsMessages 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, topic.id, queueMessageSender)
  scope: storage
  properties: {
    principalId: topic.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueMessageSender)
  }
}

resource deletions 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: 'document-deleted'
  // Delivery is refused until the topic's identity holds the role (Event Grid retries for a day meanwhile).
  dependsOn: [topicSendsMessages]
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    deliveryWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      destination: {
        endpointType: 'StorageQueue'
        properties: {
          resourceId: storage.id
          queueName: deletionQueue
          // Kept until the sweep reads it, however long the app is down (-1: no expiry).
          queueMessageTimeToLiveInSeconds: -1
        }
      }
    }
    filter: {
      includedEventTypes: ['Microsoft.Storage.BlobDeleted']
      subjectBeginsWith: '/blobServices/default/containers/${documentsContainer}/'
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output name string = topic.name
