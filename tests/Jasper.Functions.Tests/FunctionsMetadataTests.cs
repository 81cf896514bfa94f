using System.Text.Json.Nodes;
using Jasper.Azure.Distribution;
using Jasper.Azure.Hosting;
using Jasper.TestSupport;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Jasper.Functions.Tests;

/// <summary>The bindings the Functions SDK generated for the build (functions.metadata), and host.json.</summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Lazy<Dictionary<string, JsonObject>> Functions = new(() =>
    {
        string configuration = RepoPaths.BuildConfiguration;
        string path = Path.Combine(RepoPaths.Root, "functions", "Jasper.Functions", "bin", configuration, "net10.0", "functions.metadata");
        return JsonNode.Parse(File.ReadAllText(path))!.AsArray().Select(f => f!.AsObject()).ToDictionary(f => f["name"]!.GetValue<string>());
    });

    [Fact]
    public void BlobIngest_is_an_event_grid_blob_trigger_on_documents()
    {
        var binding = Trigger("BlobIngest");
        Assert.Equal("blobTrigger", binding["type"]!.GetValue<string>());
        Assert.Equal("documents/{name}", binding["path"]!.GetValue<string>());
        Assert.Equal("EventGrid", binding["source"]!.GetValue<string>());
        Assert.Equal("AzureWebJobsStorage", binding["connection"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("EmbedHigh", WorkQueues.High)]
    [InlineData("EmbedNormal", WorkQueues.Normal)]
    [InlineData("EmbedLow", WorkQueues.Low)]
    public void Each_priority_queue_has_its_trigger(string function, string queue)
    {
        var binding = Trigger(function);
        Assert.Equal("queueTrigger", binding["type"]!.GetValue<string>());
        Assert.Equal(queue, binding["queueName"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("OpenAIEmbeddings", "v1/embeddings", "post", "Function")]
    [InlineData("Embed", "embed", "post", "Function")]
    [InlineData("Info", "info", "get", "Function")]
    [InlineData("Models", "v1/models", "get", "Function")]
    [InlineData("Health", "health", "get", "Anonymous")]
    public void The_http_routes_are_declared(string function, string route, string method, string authLevel)
    {
        var binding = Trigger(function);
        Assert.Equal("httpTrigger", binding["type"]!.GetValue<string>());
        Assert.Equal(route, binding["route"]!.GetValue<string>());
        Assert.Equal([method], binding["methods"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(authLevel, binding["authLevel"]!.GetValue<string>());
    }

    [Fact]
    public void The_sweep_runs_on_a_timer_every_five_minutes()
    {
        var binding = Trigger("Sweep");
        Assert.Equal("timerTrigger", binding["type"]!.GetValue<string>());
        Assert.Equal("0 */5 * * * *", binding["schedule"]!.GetValue<string>());
    }

    [Fact]
    public void Reconciliation_runs_on_a_timer_every_hour_and_each_run_stops_well_within_the_function_timeout()
    {
        var binding = Trigger("Reconcile");
        Assert.Equal("timerTrigger", binding["type"]!.GetValue<string>());
        Assert.Equal("0 30 * * * *", binding["schedule"]!.GetValue<string>());
        var timeout = TimeSpan.Parse(JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")))!["functionTimeout"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var options = new DistributionOptions();
        Assert.True(options.ReconcileRunTime <= timeout - TimeSpan.FromMinutes(5), $"{options.ReconcileRunTime} leaves no time for a last page within {timeout}");
        Assert.True(options.ReconcileRunTime < TimeSpan.FromHours(1)); // a run ends before the next starts
    }

    [Fact]
    public void Host_json_retries_as_often_as_the_worker_expects_and_decodes_base64()
    {
        var queues = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")))!["extensions"]!["queues"]!;
        Assert.Equal(new DistributionOptions().MaxDequeueCount, queues["maxDequeueCount"]!.GetValue<int>());
        Assert.Equal("base64", queues["messageEncoding"]!.GetValue<string>());
        Assert.Equal(1, queues["batchSize"]!.GetValue<int>()); // the encoder uses every core: one message at a time
    }

    // The host builds each function's class from the app's services: one a constructor needs and AddJasper does not
    // register fails every invocation of that function, and only at run time.
    [Fact]
    public async Task Every_function_class_is_built_from_the_services_AddJasper_registers()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Jasper:Model:Path"] = "/nonexistent", // never loaded: the host is not started
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddJasper(configuration).BuildServiceProvider();
        var classes = typeof(BlobIngest).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttributes(typeof(FunctionAttribute), false).Length > 0))
            .ToList();

        Assert.Equal(Functions.Value.Count, classes.Sum(t => t.GetMethods().Count(m => m.GetCustomAttributes(typeof(FunctionAttribute), false).Length > 0)));
        Assert.All(classes, t => Assert.NotNull(ActivatorUtilities.CreateInstance(services, t)));
    }

    private static JsonObject Trigger(string function) =>
        Functions.Value[function]["bindings"]!.AsArray().Select(b => b!.AsObject()).Single(b => b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal));
}
