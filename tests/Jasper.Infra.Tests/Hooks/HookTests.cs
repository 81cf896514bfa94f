using System.Text.Json.Nodes;
using Jasper.TestSupport;

namespace Jasper.Infra.Tests.Hooks;

/// <summary>
/// Both azure.yaml files' hooks run as azd runs them (see <see cref="AzdProject"/>), on posix (sh) and windows
/// (PowerShell), with the environment azd gives them (main.bicep's outputs) and a recording stand-in for the Azure CLI
/// on PATH (StandIns/az.mjs: the documented JSON shapes, real JMESPath for --query, tsv as the CLI writes it); the
/// real CLI and azd cannot reach Azure from here.
/// </summary>
public sealed class HookTests
{
    public static TheoryData<string, string> Targets => new()
    {
        { "azure.yaml", "posix" },
        { "azure.yaml", "windows" },
        { "deploy/gpu/azure.yaml", "posix" },
        { "deploy/gpu/azure.yaml", "windows" },
    };

    [Fact]
    public void Both_azure_yaml_files_parse_with_a_strict_yaml_parser_and_no_hook_escapes_its_project()
    {
        foreach (string file in AzdProject.Files)
        {
            var project = AzdProject.Load(file);
            foreach (string hook in project.HookNames)
            {
                foreach (string platform in new[] { "posix", "windows" })
                {
                    var (shell, run) = project.Hook(hook, platform);
                    Assert.Equal(platform == "posix" ? "sh" : "pwsh", shell);
                    string script = Path.GetFullPath(Path.Combine(project.Directory, run.Trim()));
                    Assert.False(File.Exists(script) && !script.StartsWith(project.Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal), $"{file}: {hook} runs {run} outside the project");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Recording_az_postprovision_uploads_the_model_from_the_repository_root_retrying_while_the_role_propagates(string file, string platform)
    {
        using var run = new HookRun(file);
        string model = run.ModelDirectory(run.IsGpu ? "fp16" : "int8");

        var (code, output) = await run.Project.RunHookAsync("postprovision", platform, run.Environment(("JASPER_MODEL_DIR", model), ("AZ_STANDIN_FAIL_UPLOADS", "2")), HookRun.StandIns);

        Assert.True(code == 0, output);
        var uploads = run.Calls().Where(c => c.Args.StartsWith("storage blob upload-batch", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, uploads.Count); // two refusals while the role propagates, then the upload
        Assert.All(uploads, u => Assert.Equal(RepoPaths.Root, u.Cwd)); // from the repository root, wherever the azure.yaml is
        Assert.Contains("--auth-mode login", uploads[^1].Args, StringComparison.Ordinal);
        Assert.Contains($"--account-name storage1 --destination models --destination-path jasper --source {model}", uploads[^1].Args, StringComparison.Ordinal);
        Assert.Equal(["jasper-model.json", "model.onnx"], run.Uploaded());
        Assert.DoesNotContain("Warning", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Recording_az_postprovision_without_a_model_names_the_precision_the_target_runs_and_uploads_nothing(string file, string platform)
    {
        using var run = new HookRun(file);

        var (code, output) = await run.Project.RunHookAsync("postprovision", platform, run.Environment(), HookRun.StandIns);

        Assert.True(code == 0, output);
        Assert.Contains($"model pull --precision {(run.IsGpu ? "fp16" : "int8")} --output models/jasper", output, StringComparison.Ordinal);
        Assert.Empty(run.Calls());
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Recording_az_postprovision_warns_when_the_model_is_not_the_precision_the_target_is_sized_for(string file, string platform)
    {
        using var run = new HookRun(file);

        var (code, output) = await run.Project.RunHookAsync("postprovision", platform, run.Environment(("JASPER_MODEL_DIR", run.ModelDirectory("fp32"))), HookRun.StandIns);

        Assert.True(code == 0, output);
        Assert.Contains($"holds the fp32 model; the {(run.IsGpu ? "containerapps-gpu" : "flex")} target is sized for {(run.IsGpu ? "fp16" : "int8")}", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Recording_az_postdeploy_wakes_the_app_waits_for_the_system_key_and_subscribes_event_grid_with_it(string file, string platform)
    {
        using var run = new HookRun(file);

        var (code, output) = await run.Project.RunHookAsync("postdeploy", platform, run.Environment(("AZ_STANDIN_KEY_AFTER", "2")), HookRun.StandIns);

        Assert.True(code == 0, output);
        var calls = run.Calls();
        var keyCalls = calls.Where(c => c.Args.Contains("keys list", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, keyCalls.Count); // no key twice (the host had not started), then the key
        Assert.All(keyCalls, c => Assert.Contains(run.IsGpu ? "containerapp function keys list" : "functionapp keys list", c.Args, StringComparison.Ordinal));
        if (run.IsGpu)
        {
            var install = calls.FindIndex(c => c.Args.StartsWith("extension add", StringComparison.Ordinal));
            Assert.InRange(install, 0, calls.IndexOf(keyCalls[0]) - 1); // the extension first, without a prompt
        }

        string key = run.IsGpu ? "aca-blobs-key" : "flex-blobs-key";
        var subscribe = Assert.Single(calls, c => c.Args.StartsWith("eventgrid system-topic event-subscription create", StringComparison.Ordinal));
        Assert.Contains("--resource-group rg-test --system-topic-name evgt-test", subscribe.Args, StringComparison.Ordinal);
        Assert.Contains($"--endpoint-type webhook --endpoint https://app-test.invalid/runtime/webhooks/blobs?functionName=Host.Functions.BlobIngest&code={key} ", subscribe.Args, StringComparison.Ordinal);
        Assert.Contains("--included-event-types Microsoft.Storage.BlobCreated --subject-begins-with /blobServices/default/containers/documents/", subscribe.Args, StringComparison.Ordinal);
        Assert.True(run.Wakes() >= keyCalls.Count, $"{run.Wakes()} wake-up requests"); // a replica is up before each key request
    }

    [Theory]
    [InlineData("posix")]
    [InlineData("windows")]
    public async Task The_gpu_target_refuses_to_provision_unless_the_environment_names_it(string platform)
    {
        using var run = new HookRun("deploy/gpu/azure.yaml");

        var refused = await run.Project.RunHookAsync("preprovision", platform, run.Environment(("AZURE_COMPUTE_TARGET", "flex")), HookRun.StandIns);
        var allowed = await run.Project.RunHookAsync("preprovision", platform, run.Environment(), HookRun.StandIns);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("azd env set AZURE_COMPUTE_TARGET containerapps-gpu", refused.Output, StringComparison.Ordinal);
        Assert.True(allowed.ExitCode == 0, allowed.Output);
    }

    // One hook run's scratch space: the stand-in's log, a model directory, and the azd environment.
    private sealed class HookRun : IDisposable
    {
        private readonly TempDirectory _dir = new();

        public HookRun(string file)
        {
            Project = AzdProject.Load(Path.Combine(RepoPaths.Root, file));
            IsGpu = file.StartsWith("deploy/gpu", StringComparison.Ordinal);
        }

        public AzdProject Project { get; }

        public bool IsGpu { get; }

        public static string StandIns => Path.Combine(RepoPaths.Root, "tests", "Jasper.Infra.Tests", "StandIns");

        private string Log => _dir.Combine("az.log");

        public string ModelDirectory(string precision)
        {
            string dir = _dir.Combine("model");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "jasper-model.json"), $"{{\n  \"name\": \"jasper\",\n  \"precision\": \"{precision}\"\n}}\n");
            File.WriteAllText(Path.Combine(dir, "model.onnx"), "graph");
            return dir;
        }

        // The azd environment: every output of main.bicep (azd writes them to .env), as a deployment would set them.
        public Dictionary<string, string> Environment(params (string Name, string Value)[] extra)
        {
            var values = new Dictionary<string, string>
            {
                ["AZURE_RESOURCE_GROUP"] = "rg-test",
                ["AZURE_COMPUTE_TARGET"] = IsGpu ? "containerapps-gpu" : "flex",
                ["AZURE_STORAGE_ACCOUNT_NAME"] = "storage1",
                ["AZURE_MODEL_CONTAINER"] = "models",
                ["AZURE_MODEL_PREFIX"] = "jasper",
                ["AZURE_EVENTGRID_SYSTEM_TOPIC"] = "evgt-test",
                ["AZURE_FUNCTION_APP_NAME"] = "app-test",
                ["AZURE_FUNCTION_APP_HOSTNAME"] = "app-test.invalid",
            };
            var environment = Bicep.Main["outputs"]!.AsObject().ToDictionary(o => o.Key, o => values.GetValueOrDefault(o.Key, "unused-" + o.Key.ToLowerInvariant()));
            Assert.All(values.Keys, name => Assert.True(environment.ContainsKey(name), $"main.bicep has no output {name}"));
            environment["AZURE_ENV_NAME"] = "test";
            environment["AZD_STANDIN"] = "1";
            environment["AZ_STANDIN_LOG"] = Log;
            environment["JASPER_HOOK_RETRY_SECONDS"] = "0";
            environment.Remove("JASPER_MODEL_DIR");
            foreach (var (name, value) in extra)
            {
                environment[name] = value;
            }

            return environment;
        }

        public List<(string Args, string Cwd)> Calls() => [.. Lines().Where(l => l["args"] is not null)
            .Select(l => (string.Join(' ', l["args"]!.AsArray().Select(a => a!.GetValue<string>())), l["cwd"]!.GetValue<string>()))];

        public List<string> Uploaded() => [.. Lines().Last(l => l["uploaded"] is not null)["uploaded"]!.AsArray().Select(a => a!.GetValue<string>())];

        public int Wakes() => Lines().Count(l => l["curl"]?.GetValue<string>().Contains("https://app-test.invalid/api/health", StringComparison.Ordinal) == true);

        public void Dispose() => _dir.Dispose();

        private List<JsonObject> Lines() => File.Exists(Log) ? [.. File.ReadAllLines(Log).Select(l => JsonNode.Parse(l)!.AsObject())] : [];
    }
}
