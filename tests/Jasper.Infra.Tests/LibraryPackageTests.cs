using System.IO.Compression;
using System.Xml.Linq;
using Jasper.TestSupport;

namespace Jasper.Infra.Tests;

/// <summary>The four libraries as NuGet packages: `dotnet pack` makes each, with its metadata, readme and dependencies.</summary>
public sealed class LibraryPackageTests
{
    private static readonly string[] Libraries = ["Jasper.Embeddings", "Jasper.Ingestion", "Jasper.Serving", "Jasper.Azure"];

    [Fact]
    public async Task Each_library_packs_with_its_description_licence_readme_and_the_libraries_below_it_as_dependencies()
    {
        using var dir = new TempDirectory();
        // Pack what this test run's build made.
        string configuration = RepoPaths.BuildConfiguration;
        foreach (string library in Libraries)
        {
            var pack = await ProgramRun.RunAsync("dotnet", ["pack", Path.Combine(RepoPaths.Root, "core", library), "--no-build", "-c", configuration, "-o", dir.Path]);
            Assert.True(pack.ExitCode == 0, pack.Output);
        }

        var below = new Dictionary<string, string?> { ["Jasper.Embeddings"] = null, ["Jasper.Ingestion"] = "Jasper.Embeddings", ["Jasper.Serving"] = "Jasper.Ingestion", ["Jasper.Azure"] = "Jasper.Serving" };
        foreach (string library in Libraries)
        {
            string package = Path.Combine(dir.Path, $"{library}.0.1.0.nupkg");
            Assert.True(File.Exists(package), $"{package} was not made");
            Assert.True(File.Exists(Path.Combine(dir.Path, $"{library}.0.1.0.snupkg")), "symbols");
            using var zip = ZipFile.OpenRead(package);
            var nuspec = XDocument.Load(zip.GetEntry($"{library}.nuspec")!.Open());
            XNamespace ns = nuspec.Root!.GetDefaultNamespace();
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            Assert.Equal(library, metadata.Element(ns + "id")!.Value);
            Assert.Equal("MIT", metadata.Element(ns + "license")!.Value);
            Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
            Assert.True(metadata.Element(ns + "description")!.Value.Length > 60, "a real description");
            Assert.Contains("embeddings", metadata.Element(ns + "tags")!.Value, StringComparison.Ordinal);
            string readme = new StreamReader(zip.GetEntry("README.md")!.Open()).ReadToEnd();
            Assert.StartsWith($"# {library}", readme, StringComparison.Ordinal);
            Assert.NotNull(zip.GetEntry($"lib/net10.0/{library}.xml")); // the API docs travel with it

            var dependencies = metadata.Descendants(ns + "dependency").Select(d => (Id: d.Attribute("id")!.Value, Version: d.Attribute("version")!.Value)).ToList();
            if (below[library] is string dependency)
            {
                Assert.Contains((dependency, "0.1.0"), dependencies);
            }

            Assert.DoesNotContain(dependencies, d => d.Id.Contains("Test", StringComparison.Ordinal) || d.Id == "Jasper.TestSupport");
        }
    }

    [Fact]
    public async Task Every_library_must_document_its_public_members()
    {
        // CS1591 (a public member without XML docs) is a build error in the libraries and only there. It was once
        // switched off for them too, by a condition on IsPublicLibrary read before the project set it.
        foreach (string library in Libraries)
        {
            var noWarn = await ProgramRun.RunAsync("dotnet", ["msbuild", Path.Combine(RepoPaths.Root, "core", library, library + ".csproj"), "-getProperty:NoWarn", "-getProperty:TreatWarningsAsErrors"]);
            Assert.True(noWarn.ExitCode == 0, noWarn.Output);
            Assert.DoesNotContain("CS1591", noWarn.Output, StringComparison.Ordinal);
            Assert.Contains("\"TreatWarningsAsErrors\": \"true\"", noWarn.Output, StringComparison.Ordinal);
        }

        var test = await ProgramRun.RunAsync("dotnet", ["msbuild", Path.Combine(RepoPaths.Root, "tests", "Jasper.Infra.Tests", "Jasper.Infra.Tests.csproj"), "-getProperty:NoWarn"]);
        Assert.Contains("CS1591", test.Output, StringComparison.Ordinal); // the rule is the libraries' alone
    }
}
