using System.Diagnostics;
using System.Reflection;
using Jasper.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Jasper.Infra.Tests.Hooks;

/// <summary>
/// An azure.yaml read with a strict YAML parser, and its hooks run the way azd runs them: in the folder that holds
/// the azure.yaml; a <c>run</c> naming a file there is that script (a file outside the folder is refused, as azd
/// 1.23.15 and later refuse it: "escapes project root"), anything else is an inline script that azd writes to a
/// temporary file; posix hooks run with <c>sh</c>, windows hooks with PowerShell (<c>pwsh</c>, from NuGet).
/// </summary>
internal sealed class AzdProject
{
    private readonly YamlMappingNode _root;

    private AzdProject(string file, YamlMappingNode root)
    {
        File = file;
        _root = root;
    }

    /// <summary>The root azure.yaml (the Flex target) and the GPU target's.</summary>
    public static IEnumerable<string> Files => [Path.Combine(RepoPaths.Root, "azure.yaml"), Path.Combine(RepoPaths.Root, "deploy", "gpu", "azure.yaml")];

    public string File { get; }

    public string Directory => Path.GetDirectoryName(File)!;

    /// <summary>Parses the file; YAML errors (a plain scalar holding ": ", a bad indent) throw.</summary>
    public static AzdProject Load(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(file))
        {
            stream.Load(reader);
        }

        return new AzdProject(file, (YamlMappingNode)stream.Documents.Single().RootNode);
    }

    /// <summary>The hooks the file declares, by name.</summary>
    public IReadOnlyList<string> HookNames => [.. ((YamlMappingNode)_root["hooks"]).Children.Keys.Select(k => ((YamlScalarNode)k).Value!)];

    /// <summary>The shell and script of a hook on a platform (<c>posix</c> or <c>windows</c>).</summary>
    public (string Shell, string Run) Hook(string name, string platform)
    {
        var hook = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)_root["hooks"])[name])[platform];
        return (((YamlScalarNode)hook["shell"]).Value!, ((YamlScalarNode)hook["run"]).Value!);
    }

    /// <summary>Runs a hook as azd would, with <paramref name="environment"/> on top of this process's, and <paramref name="path"/> first on PATH.</summary>
    public async Task<(int ExitCode, string Output)> RunHookAsync(string name, string platform, IReadOnlyDictionary<string, string> environment, string path)
    {
        var (shell, run) = Hook(name, platform);
        string script = Path.GetFullPath(Path.Combine(Directory, run.Trim()));
        bool isFile = !run.Trim().Contains('\n', StringComparison.Ordinal) && System.IO.File.Exists(script);
        if (isFile && !script.StartsWith(Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"hook '{name}' runs {run}, which escapes project root {Directory}; azd refuses it");
        }

        string? inline = null;
        if (!isFile)
        {
            inline = Path.Combine(Path.GetTempPath(), $"azd-hook-{Guid.NewGuid():N}{(shell == "pwsh" ? ".ps1" : ".sh")}");
            await System.IO.File.WriteAllTextAsync(inline, run);
            script = inline;
        }

        try
        {
            var start = shell switch
            {
                "sh" => new ProcessStartInfo("sh") { ArgumentList = { script } },
                "pwsh" => new ProcessStartInfo("dotnet") { ArgumentList = { PowerShell, "-NoProfile", "-NonInteractive", "-File", script } },
                _ => throw new InvalidOperationException($"hook '{name}' uses shell '{shell}', which azd does not run on {platform}"),
            };
            start.WorkingDirectory = Directory;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }

            start.Environment["PATH"] = path + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            if (inline is not null)
            {
                System.IO.File.Delete(inline);
            }
        }
    }

    private static string PowerShell => typeof(AzdProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "PowerShellPath").Value!;
}
