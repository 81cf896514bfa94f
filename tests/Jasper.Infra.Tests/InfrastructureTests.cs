using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Jasper.Azure.Distribution;
using Jasper.Azure.Hosting;

namespace Jasper.Infra.Tests;

/// <summary>The Bicep templates compile and lint clean, and the compiled template describes the locked-down system.</summary>
public sealed partial class InfrastructureTests
{
    private static readonly Dictionary<string, string> Roles = new()
    {
        ["Storage Blob Data Owner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        ["Storage Queue Data Contributor"] = "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
        ["Storage Table Data Contributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
        ["Monitoring Metrics Publisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
        ["Search Index Data Contributor"] = "8ebe5a00-799e-43f5-93ac-243d3dce84a7",
        ["Azure Service Bus Data Sender"] = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
    };

    [Fact]
    public void Main_bicep_and_every_module_build_and_lint_with_zero_warnings()
    {
        // One build and one lint cover every file: both follow module references, and every file must be reached.
        string[] files = Directory.GetFiles(Bicep.Infra, "*.bicep", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Bicep.Infra, f)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(files, Bicep.ModulesOfMain());

        var build = Bicep.MainBuild;
        Assert.True(build.ExitCode == 0 && build.Diagnostics.Length == 0, $"bicep build main.bicep:\n{build.Diagnostics}");
        var lint = Bicep.Lint(Path.Combine(Bicep.Infra, "main.bicep"));
        Assert.True(lint.ExitCode == 0 && lint.Diagnostics.Trim().Length == 0 && lint.Output.Trim().Length == 0, $"bicep lint main.bicep:\n{lint.Output}{lint.Diagnostics}");
    }

    [Fact]
    public void The_template_is_subscription_scoped_with_a_resource_group_and_azd_tags()
    {
        Assert.Contains("subscriptionDeploymentTemplate", Bicep.Main["$schema"]!.GetValue<string>(), StringComparison.Ordinal);
        var group = ArmTemplate.Single(Bicep.Main, "Microsoft.Resources/resourceGroups");
        Assert.Equal("[variables('tags')]", group["tags"]!.GetValue<string>());
        Assert.Equal("[parameters('environmentName')]", Bicep.Main["variables"]!["tags"]!["azd-env-name"]!.GetValue<string>());
        string text = ArmTemplate.Text(Bicep.Main);
        Assert.Contains("azd-service-name", text, StringComparison.Ordinal);
        Assert.Contains("uniqueString(subscription().id, parameters('environmentName'), parameters('location'))", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_is_locked_to_identities_and_holds_the_containers_queues_and_table()
    {
        var storage = ArmTemplate.Single(Bicep.Main, "Microsoft.Storage/storageAccounts")["properties"]!;
        Assert.False(storage["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(storage["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", storage["minimumTlsVersion"]!.GetValue<string>());
        Assert.True(storage["supportsHttpsTrafficOnly"]!.GetValue<bool>());

        string storageModule = ArmTemplate.Text(Module("storage"));
        foreach (string name in new[] { "documents", "vectors", "work", "models", "embed-high", "embed-normal", "embed-low", "documents-deleted", "jasperdocuments" })
        {
            Assert.Contains($"\"{name}\"", storageModule, StringComparison.Ordinal);
        }

        Assert.Contains("deploymentContainer", ArmTemplate.Text(ArmTemplate.Single(Bicep.Main, "Microsoft.Storage/storageAccounts/blobServices/containers")["name"]!), StringComparison.Ordinal);
        Assert.Single(ArmTemplate.OfType(Bicep.Main, "Microsoft.Storage/storageAccounts/queueServices/queues"));
        Assert.Single(ArmTemplate.OfType(Bicep.Main, "Microsoft.Storage/storageAccounts/tableServices/tables"));
    }

    [Fact]
    public void The_flex_plan_and_app_run_dotnet_isolated_10_on_4096_MB_with_a_user_assigned_identity()
    {
        var plan = ArmTemplate.Single(Bicep.Main, "Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan["sku"]!["name"]!.GetValue<string>());
        Assert.Equal("FlexConsumption", plan["sku"]!["tier"]!.GetValue<string>());
        Assert.True(plan["properties"]!["reserved"]!.GetValue<bool>());

        var app = ArmTemplate.Single(Bicep.Main, "Microsoft.Web/sites");
        Assert.Equal("functionapp,linux", app["kind"]!.GetValue<string>());
        Assert.Equal("UserAssigned", app["identity"]!["type"]!.GetValue<string>());
        var config = app["properties"]!["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", config["runtime"]!["name"]!.GetValue<string>());
        Assert.Equal("10.0", config["runtime"]!["version"]!.GetValue<string>());
        Assert.Equal(4096, config["scaleAndConcurrency"]!["instanceMemoryMB"]!.GetValue<int>());
        Assert.Equal("[parameters('maximumInstanceCount')]", config["scaleAndConcurrency"]!["maximumInstanceCount"]!.GetValue<string>());
        Assert.Equal("UserAssignedIdentity", config["deployment"]!["storage"]!["authentication"]!["type"]!.GetValue<string>());
        Assert.True(app["properties"]!["httpsOnly"]!.GetValue<bool>());
        // The measured budget that keeps the int8 worker's peak well under 4,096 MB (README, Deploy).
        Assert.Contains("'Jasper__Model__Encoder__BatchTokenBudget', '4096'", ArmTemplate.Text(Module("flex-function")), StringComparison.Ordinal);
        Assert.Single(ArmTemplate.OfType(Bicep.Main, "Microsoft.ManagedIdentity/userAssignedIdentities"));
    }

    [Fact]
    public void The_flex_app_sets_nothing_flex_consumption_rejects_or_deprecates()
    {
        // Site properties and app settings of other plans that Flex Consumption rejects (ARM error 51021 in newer
        // regions) or ignores; "Flex Consumption plan: deprecated properties and settings".
        string[] rejected =
        [
            "ftpsState", "http20Enabled", "alwaysOn", "use32BitWorkerProcess", "linuxFxVersion", "netFrameworkVersion", "javaVersion",
            "powerShellVersion", "functionAppScaleLimit", "preWarmedInstanceCount", "containerSize", "isXenon", "vnetBackupRestoreEnabled",
            "FUNCTIONS_EXTENSION_VERSION", "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_WORKER_RUNTIME_VERSION", "FUNCTIONS_MAX_HTTP_CONCURRENCY",
            "FUNCTIONS_WORKER_PROCESS_COUNT", "FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED", "SCM_DO_BUILD_DURING_DEPLOYMENT", "ENABLE_ORYX_BUILD",
            "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTOVERVNET", "WEBSITE_RUN_FROM_PACKAGE",
            "WEBSITE_SKIP_CONTENTSHARE_VALIDATION", "WEBSITE_VNET_ROUTE_ALL",
        ];
        var flex = Module("flex-function");
        string site = ArmTemplate.Text(ArmTemplate.Single(flex["properties"]!["template"]!.AsObject(), "Microsoft.Web/sites"));
        string settings = ArmTemplate.Text(ArmTemplate.Single(flex["properties"]!["template"]!.AsObject(), "Microsoft.Web/sites/config"));
        Assert.All(rejected, name => Assert.DoesNotContain($"\"{name}\"", site + settings, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Connections_are_identity_based_and_no_key_or_connection_secret_appears_anywhere()
    {
        var settings = AppSettingNames();
        foreach (string name in new[] { "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId", "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING" })
        {
            Assert.Contains(name, settings);
        }

        Assert.DoesNotContain("AzureWebJobsStorage", settings);
        string text = ArmTemplate.Text(Bicep.Main);
        Assert.Contains("'AzureWebJobsStorage__credential', 'managedidentity'", text, StringComparison.Ordinal);
        Assert.DoesNotContain("listKeys", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listConnectionStrings", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AccountKey=", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SharedAccessKey", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_Jasper_setting_the_template_emits_binds_to_an_option_the_app_reads()
    {
        var settings = AppSettingNames().Where(s => s.StartsWith("Jasper__", StringComparison.Ordinal)).ToList();
        Assert.True(settings.Count >= 10);
        foreach (string setting in settings)
        {
            Type type = typeof(JasperOptions);
            foreach (string segment in setting.Split("__").Skip(1))
            {
                var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                Assert.True(property is { CanWrite: true }, $"{setting}: {type.Name} has no settable property '{segment}'");
                type = property!.PropertyType;
            }
        }

        Assert.Contains("Jasper__Model__Blob", settings);
        Assert.Contains("Jasper__Sink__Kind", settings);
        Assert.Contains("Jasper__Events__ServiceBusNamespace", settings);
        Assert.Contains("Jasper__Model__Encoder__Device", settings);
        Assert.Contains("Jasper__Model__Encoder__BatchTokenBudget", settings);
    }

    [Fact]
    public void Monitoring_authenticates_with_identities_only()
    {
        var insights = ArmTemplate.Single(Bicep.Main, "Microsoft.Insights/components")["properties"]!;
        Assert.True(insights["DisableLocalAuth"]!.GetValue<bool>());
        Assert.Contains("Microsoft.OperationalInsights/workspaces", insights["WorkspaceResourceId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(ArmTemplate.Single(Bicep.Main, "Microsoft.OperationalInsights/workspaces")["properties"]!["features"]!["disableLocalAuth"]!.GetValue<bool>());
    }

    [Fact]
    public void An_event_grid_system_topic_watches_the_storage_account()
    {
        var topic = ArmTemplate.Single(Bicep.Main, "Microsoft.EventGrid/systemTopics")["properties"]!;
        Assert.Equal("Microsoft.Storage.StorageAccounts", topic["topicType"]!.GetValue<string>());
        Assert.Contains("Microsoft.Storage/storageAccounts", topic["source"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Deletions_from_documents_reach_the_queue_the_sweep_reads_delivered_by_the_topic_identity()
    {
        Assert.Equal("SystemAssigned", ArmTemplate.Single(Bicep.Main, "Microsoft.EventGrid/systemTopics")["identity"]!["type"]!.GetValue<string>());
        var subscription = ArmTemplate.Single(Bicep.Main, "Microsoft.EventGrid/systemTopics/eventSubscriptions");
        var properties = subscription["properties"]!;
        Assert.Equal("SystemAssigned", properties["deliveryWithResourceIdentity"]!["identity"]!["type"]!.GetValue<string>());
        var destination = properties["deliveryWithResourceIdentity"]!["destination"]!;
        Assert.Equal("StorageQueue", destination["endpointType"]!.GetValue<string>());
        Assert.Equal("[parameters('deletionQueue')]", destination["properties"]!["queueName"]!.GetValue<string>());
        Assert.Equal(-1, destination["properties"]!["queueMessageTimeToLiveInSeconds"]!.GetValue<int>());
        Assert.Equal(["Microsoft.Storage.BlobDeleted"], properties["filter"]!["includedEventTypes"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(BlobIngestion.DocumentsContainer, Module("event-grid")["properties"]!["template"]!["parameters"]!["documentsContainer"]!["defaultValue"]!.GetValue<string>());

        // The queue is the one the app drains (DocumentRemoval.Queue), created with the others, and passed on by name.
        var storage = Module("storage")["properties"]!["template"]!;
        Assert.Equal(DocumentRemoval.Queue, storage["parameters"]!["deletionQueue"]!["defaultValue"]!.GetValue<string>());
        Assert.Contains("union(parameters('queues'), createArray(parameters('deletionQueue')))", ArmTemplate.Text(ArmTemplate.Single(storage.AsObject(), "Microsoft.Storage/storageAccounts/queueServices/queues")), StringComparison.Ordinal);
        Assert.Contains("outputs.deletionQueue", ArmTemplate.Text(Module("event-grid")["properties"]!["parameters"]!["deletionQueue"]!), StringComparison.Ordinal);

        // The topic may add queue messages (Storage Queue Data Message Sender) before the subscription delivers.
        var eventGrid = Module("event-grid")["properties"]!["template"]!.AsObject();
        var sender = ArmTemplate.OfType(eventGrid, "Microsoft.Authorization/roleAssignments").Single();
        Assert.Equal("c6a89b2d-59bc-44d0-9896-0f6e12d7b80a", eventGrid["variables"]!["queueMessageSender"]!.GetValue<string>());
        Assert.Contains("variables('queueMessageSender')", ArmTemplate.Text(sender["properties"]!["roleDefinitionId"]!), StringComparison.Ordinal);
        Assert.Contains("Microsoft.EventGrid/systemTopics", ArmTemplate.Text(sender["properties"]!["principalId"]!), StringComparison.Ordinal);
        Assert.Contains("Microsoft.Authorization/roleAssignments", ArmTemplate.Text(subscription["dependsOn"]!), StringComparison.Ordinal);
    }

    [Fact]
    public void The_identity_and_the_deploying_user_get_every_data_role()
    {
        string roles = string.Join("\n", ArmTemplate.OfType(Bicep.Main, "Microsoft.Authorization/roleAssignments").Select(r => ArmTemplate.Text(r)));
        string roleModule = ArmTemplate.Text(Module("app-roles"));
        foreach (var (name, id) in Roles)
        {
            Assert.True(roleModule.Contains(id, StringComparison.Ordinal), $"{name} ({id}) is not assigned");
        }

        Assert.Contains("ServicePrincipal", ArmTemplate.Text(Module("app-roles")), StringComparison.Ordinal);
        Assert.Contains("[parameters('principalId')]", ArmTemplate.Text(Module("user-roles")["properties"]!["parameters"]!), StringComparison.Ordinal);
        Assert.Contains("subscriptionResourceId('Microsoft.Authorization/roleDefinitions'", roles, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_and_service_bus_are_optional_and_keyless()
    {
        Assert.Equal("[parameters('enableSearch')]", Module("search")["condition"]!.GetValue<string>());
        Assert.Equal("[parameters('enableServiceBus')]", Module("servicebus")["condition"]!.GetValue<string>());
        Assert.True(ArmTemplate.Single(Bicep.Main, "Microsoft.Search/searchServices")["properties"]!["disableLocalAuth"]!.GetValue<bool>());
        Assert.True(ArmTemplate.Single(Bicep.Main, "Microsoft.ServiceBus/namespaces")["properties"]!["disableLocalAuth"]!.GetValue<bool>());
        Assert.True(ArmTemplate.Single(Bicep.Main, "Microsoft.ServiceBus/namespaces/topics")["properties"]!["requiresDuplicateDetection"]!.GetValue<bool>());
    }

    [Fact]
    public void The_gpu_target_runs_functions_on_container_apps_with_a_serverless_gpu_profile()
    {
        Assert.Equal(["flex", "containerapps-gpu"], Bicep.Main["parameters"]!["computeTarget"]!["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["T4", "A100"], Bicep.Main["parameters"]!["gpu"]!["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()));
        var app = ArmTemplate.Single(Bicep.Main, "Microsoft.App/containerApps");
        Assert.Equal("functionapp", app["kind"]!.GetValue<string>());
        Assert.Equal("gpu", app["properties"]!["workloadProfileName"]!.GetValue<string>());
        string module = ArmTemplate.Text(Module("gpu-function"));
        Assert.Contains("Consumption-GPU-NC8as-T4", module, StringComparison.Ordinal);
        Assert.Contains("Consumption-GPU-NC24-A100", module, StringComparison.Ordinal);
        Assert.False(ArmTemplate.Single(Bicep.Main, "Microsoft.ContainerRegistry/registries")["properties"]!["adminUserEnabled"]!.GetValue<bool>());
        Assert.True(File.Exists(Path.Combine(Bicep.Infra, "..", "functions", "Dockerfile")));
    }

    [Fact]
    public void The_gpu_app_keeps_its_image_across_provisions_and_its_host_keys_in_blob_storage()
    {
        // azd records the deployed image as SERVICE_<SERVICE NAME>_IMAGE_NAME; main.parameters.json hands it back.
        string service = AzdServiceName().ToUpperInvariant().Replace('-', '_');
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(Bicep.Infra, "main.parameters.json")))!["parameters"]!;
        Assert.Equal($"${{SERVICE_{service}_IMAGE_NAME=}}", parameters["gpuImageName"]!["value"]!.GetValue<string>());
        Assert.Equal("[parameters('gpuImageName')]", Module("gpu-function")["properties"]!["parameters"]!["imageName"]!["value"]!.GetValue<string>());
        var container = ArmTemplate.Single(Bicep.Main, "Microsoft.App/containerApps")["properties"]!["template"]!["containers"]![0]!;
        Assert.Equal("[if(empty(parameters('imageName')), 'mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated10.0', parameters('imageName'))]", container["image"]!.GetValue<string>());
        Assert.Contains("'AzureWebJobsSecretStorageType', 'blob'", ArmTemplate.Text(container), StringComparison.Ordinal); // in the env copy loop
    }

    private static string AzdServiceName()
    {
        var match = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(Bicep.Infra, "..", "deploy", "gpu", "azure.yaml")), @"^services:\s*\n\s+([\w-]+):", System.Text.RegularExpressions.RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value : throw new InvalidOperationException("deploy/gpu/azure.yaml names no service");
    }

    [Fact]
    public void Outputs_give_names_and_endpoints_only()
    {
        var outputs = Bicep.Main["outputs"]!.AsObject();
        foreach (string name in new[] { "AZURE_RESOURCE_GROUP", "AZURE_STORAGE_ACCOUNT_NAME", "AZURE_FUNCTION_APP_NAME", "AZURE_FUNCTION_APP_HOSTNAME", "AZURE_EVENTGRID_SYSTEM_TOPIC", "AZURE_MODEL_CONTAINER", "AZURE_MODEL_PREFIX" })
        {
            Assert.True(outputs.ContainsKey(name), name);
        }

        foreach (var (name, output) in outputs)
        {
            Assert.DoesNotMatch(SecretName(), name);
            Assert.DoesNotMatch(SecretValue(), ArmTemplate.Text(output!["value"]!));
            Assert.NotEqual("securestring", output["type"]!.GetValue<string>().ToLowerInvariant());
        }
    }

    [Fact]
    public void Azure_yaml_deploys_the_function_app_and_runs_both_hooks_on_posix_and_windows()
    {
        string yaml = File.ReadAllText(Path.Combine(Bicep.Infra, "..", "azure.yaml"));
        Assert.Contains("project: ./functions/Jasper.Functions", yaml, StringComparison.Ordinal);
        Assert.Contains("language: dotnet", yaml, StringComparison.Ordinal);
        Assert.Contains("host: function", yaml, StringComparison.Ordinal);
        foreach (string hook in new[] { "postprovision", "postdeploy" })
        {
            Assert.Contains($"./infra/hooks/{hook}.sh", yaml, StringComparison.Ordinal);
            Assert.Contains($"./infra/hooks/{hook}.ps1", yaml, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(Bicep.Infra, "hooks", hook + ".sh")));
        }

        Assert.Contains("blobs_extension", File.ReadAllText(Path.Combine(Bicep.Infra, "hooks", "postdeploy.sh")), StringComparison.Ordinal);
    }

    private static JsonObject Module(string name) =>
        ArmTemplate.OfType(Bicep.Main, "Microsoft.Resources/deployments").Single(d => d["name"]!.GetValue<string>() == name);

    // Setting names anywhere in the compiled template: JSON keys, and the quoted names of createObject('Name', value, ...)
    // (Bicep inlines the settings object into each module that receives it).
    private static HashSet<string> AppSettingNames()
    {
        string text = ArmTemplate.Text(Bicep.Main);
        return [.. SettingName().Matches(text).Select(m => m.Groups[1].Value)];
    }

    [GeneratedRegex(@"[""']((?:Jasper|AzureWebJobsStorage|APPLICATIONINSIGHTS)[A-Za-z_]*)[""']")]
    private static partial Regex SettingName();

    [GeneratedRegex("(?i)key|secret|password|connectionstring|token")]
    private static partial Regex SecretName();

    [GeneratedRegex("(?i)listKeys|listConnectionStrings|ConnectionString|secret")]
    private static partial Regex SecretValue();
}
