using Azure.Storage.Blobs;
using Jasper.Azure.Hosting;
using Jasper.Serving.Hosting;
using Jasper.TestSupport;

namespace Jasper.Azure.Tests.Hosting;

/// <summary>The model host downloading a model directory from blob storage (Azurite), as a Functions instance does.</summary>
public sealed class BlobModelSourceTests : IClassFixture<AzuriteFixture>
{
    private readonly AzuriteFixture _azurite;

    public BlobModelSourceTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task A_model_in_blob_storage_is_downloaded_once_verified_and_served()
    {
        var blobs = new BlobServiceClient(_azurite.Emulator.ConnectionString);
        string prefix = "jasper-" + Guid.NewGuid().ToString("N")[..6];
        await UploadDirectoryAsync(blobs, "models", prefix, TinyModels.Fp32);
        using var cache = new TempDirectory();

        await using var host = new ModelHost(new ModelHostOptions(), new BlobModelSource(blobs, $"models/{prefix}", cache.Path));
        Assert.Equal(ModelHostState.Loading, host.State);
        var encoder = await host.WaitReadyAsync();

        Assert.Equal(ModelHostState.Ready, host.State);
        Assert.Equal(128, encoder.Dimensions);
        Assert.True(File.Exists(Path.Combine(cache.Path, $"models_{prefix}", "model.onnx.data")));
    }

    [Fact]
    public async Task A_damaged_upload_is_refused_with_the_file_named()
    {
        var blobs = new BlobServiceClient(_azurite.Emulator.ConnectionString);
        string prefix = "broken-" + Guid.NewGuid().ToString("N")[..6];
        await UploadDirectoryAsync(blobs, "models", prefix, TinyModels.Fp32);
        byte[] data = await File.ReadAllBytesAsync(Path.Combine(TinyModels.Fp32, "model.onnx.data"));
        data[12345] ^= 0xFF;
        await blobs.GetBlobContainerClient("models").GetBlobClient($"{prefix}/model.onnx.data").UploadAsync(new BinaryData(data), overwrite: true);
        using var cache = new TempDirectory();

        await using var host = new ModelHost(new ModelHostOptions(), new BlobModelSource(blobs, $"models/{prefix}", cache.Path));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => host.WaitReadyAsync());

        Assert.Equal(ModelHostState.Failed, host.State);
        Assert.Contains("model.onnx.data does not match the SHA-256", host.FailureReason, StringComparison.Ordinal);
        Assert.Equal(error.Message, host.FailureReason);
    }

    private static async Task UploadDirectoryAsync(BlobServiceClient blobs, string container, string prefix, string directory)
    {
        var client = blobs.GetBlobContainerClient(container);
        await client.CreateIfNotExistsAsync();
        foreach (string file in Directory.GetFiles(directory))
        {
            await client.GetBlobClient($"{prefix}/{Path.GetFileName(file)}").UploadAsync(file, overwrite: true);
        }
    }
}
